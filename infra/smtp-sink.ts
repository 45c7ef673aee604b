// A local SMTP server that keeps what it receives, parsed, so people and
// tests can read it: the mailbox of the embedded default (served by the
// launcher at http://localhost:8025) and the real SMTP peer of the tests.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, when the mail has one (absent in mails stored before it was kept). */
  html?: string | null;
  messageId: string | null;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages(): ReceivedMail[];
  /** Resolves when `predicate` holds for the received messages. */
  waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Refuse (true) or accept (false) incoming mail, to simulate an outage. */
  setRefusing(refusing: boolean): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { port?: number; host?: string; storeDir?: string } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refusing = false;
  if (options.storeDir) {
    await mkdir(options.storeDir, { recursive: true });
    for (const name of (await readdir(options.storeDir)).filter((n) => n.endsWith('.json')).sort()) {
      received.push(JSON.parse(await readFile(path.join(options.storeDir, name), 'utf8')) as ReceivedMail);
    }
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusing) {
        const error = new Error('mailbox temporarily unavailable') as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const mail: ReceivedMail = {
            id: received.length + 1,
            receivedAt: new Date().toISOString(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html === false ? null : (parsed.html ?? null),
            messageId: parsed.messageId ?? null,
          };
          received.push(mail);
          if (options.storeDir) {
            await writeFile(path.join(options.storeDir, `${String(mail.id).padStart(6, '0')}.json`), JSON.stringify(mail, null, 2));
          }
          for (const wake of waiters) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  return {
    port,
    url: `smtp://${host}:${port}`,
    messages: () => [...received],
    setRefusing: (value) => {
      refusing = value;
    },
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(received)) {
            cleanup();
            resolve([...received]);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching mail within ${timeoutMs} ms; received: ${received.map((m) => m.subject).join(' | ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
