/**
 * Mails a workflow sends after a decision's answer, one after another.
 *
 * A decision's Update answers before its mail is sent (the officer should not
 * wait on SMTP). Two quick decisions would otherwise race their mails, and an
 * applicant could read "遴选入围" before "形成核查评估结论". Each mail is
 * scheduled only when the one before it has finished (sent or given up), so
 * mails arrive in the order the decisions were taken.
 */
/** The patch id of the ordered queue (workflows/base.ts, application.ts). */
export const MAILS_IN_DECISION_ORDER = 'mails-in-decision-order';

export interface MailQueue {
  /** Schedule `send` after every mail queued before it. */
  enqueue(send: () => Promise<unknown>): void;
  /** Resolves when every queued mail has finished; await it before the run ends. */
  drained(): Promise<void>;
}

/**
 * `ordered` false keeps the behaviour runs started before this queue existed
 * recorded in their histories: each mail scheduled at once, side by side.
 * The workflows pass `patched('mails-in-decision-order')`.
 */
export function mailQueue(ordered: boolean): MailQueue {
  let tail: Promise<void> = Promise.resolve();
  const sideBySide = new Set<Promise<unknown>>();
  if (!ordered) {
    return {
      enqueue(send) {
        const work = send();
        sideBySide.add(work);
        const done = () => void sideBySide.delete(work);
        work.then(done, done);
      },
      drained: async () => void (await Promise.allSettled(sideBySide)),
    };
  }
  return {
    enqueue(send) {
      // A mail that fails for good is the outbox's to report (it stays
      // pending/failed there); it must not hold back the mails after it.
      tail = tail.then(send).then(
        () => undefined,
        () => undefined,
      );
    },
    drained: () => tail,
  };
}
