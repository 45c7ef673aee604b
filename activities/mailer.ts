// Mail over SMTP with nodemailer. The transport is made once per process and
// pooled; tests point it at a real SMTP server in the test process.
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Stable per (subject, key): a receiver can drop a duplicate by it. */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * A URL alone gives nodemailer a transport that opens one connection per
 * mail; reminders fan out by the hundred at one instant, so pool the
 * connections unless the URL says otherwise (`?pool=false`,
 * `?maxConnections=10`).
 */
export function pooledSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return url.toString();
}

export function createSmtpMailer(smtpUrl: string): Mailer {
  const transport = nodemailer.createTransport(pooledSmtpUrl(smtpUrl));
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId: mail.messageId,
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
