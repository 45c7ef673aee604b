// The embedded default's mailbox: what the SMTP sink received, as a page
// (newest first) and as JSON at /messages.
import http from 'node:http';
import type { SmtpSink } from './smtp-sink';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function serveMailbox(sink: SmtpSink, port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const mails = sink.messages().reverse();
    if (req.url?.startsWith('/messages')) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(mails));
      return;
    }
    const rows = mails
      .map((m) => `<article><h3>${escape(m.subject)}</h3><p><small>${escape(m.receivedAt)} · 收件人 ${escape(m.to.join(', '))}</small></p><pre>${escape(m.text)}</pre></article>`)
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>邮件收件箱（开发）</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}article{border-bottom:1px solid #ccc}pre{white-space:pre-wrap}</style>
<h1>邮件收件箱（开发环境，共 ${mails.length} 封）</h1>${rows || '<p>暂无邮件。</p>'}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
