// An SMTP server that, while `stalling`, reads each message but never
// answers it, so a worker's sending activity hangs in flight (until the
// worker is killed, or the server is released); otherwise it accepts every
// message and records its recipients. The fault tests kill workers with a
// mail in flight and then count what was accepted.
import { SMTPServer } from 'smtp-server';

export interface StallingSmtp {
  /** The recipients of each accepted message, in order. */
  accepted: string[][];
  /** Set `stalling` to hold (true) or accept (false); `stalled` counts the messages held. */
  state: { stalling: boolean; stalled: number };
  url: string;
  close(): Promise<void>;
}

export async function stallingSmtp(port: number, options: { stalling: boolean }): Promise<StallingSmtp> {
  const accepted: string[][] = [];
  const state = { stalling: options.stalling, stalled: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        if (state.stalling) {
          state.stalled += 1;
          return; // never answered: the sender waits
        }
        accepted.push(session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { accepted, state, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
