// The yearly acceptance window (Art. 11; docs/RULES.md "Acceptance window"): when it
// opens on 1 January and 30 and 7 days before it closes on 30 June 24:00 CST,
// every prefecture office and every registered applicant is told. Started by
// the Temporal Schedules of infra/acceptance-window-schedule.ts; one short
// run per notice. Each mail goes through the outbox keyed by (year, kind,
// recipient), so a retried activity, a catch-up run or a manual trigger of
// the same notice sends nothing twice.
import { ApplicationFailure, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { cstDateOf, yearOf } from '../domain/dates';
import { acceptanceWindow } from '../domain/deadlines';
import type { AcceptanceWindowRecipient } from '../activities';
import { acts } from './activity-proxies';

export const ACCEPTANCE_WINDOW_NOTICE_KINDS = ['opening', 'closingIn30Days', 'closingIn7Days'] as const;
export type AcceptanceWindowNoticeKind = (typeof ACCEPTANCE_WINDOW_NOTICE_KINDS)[number];

/** Days before 30 June 24:00 CST that each closing reminder is sent. */
export const CLOSING_REMINDER_DAYS: Record<Exclude<AcceptanceWindowNoticeKind, 'opening'>, number> = {
  closingIn30Days: 30,
  closingIn7Days: 7,
};

export interface AcceptanceWindowNoticeInput {
  kind: AcceptanceWindowNoticeKind;
  /** The window's year; by default the year (CST) in which this run started, as a schedule's run does. */
  year?: number;
}

export interface AcceptanceWindowNoticeResult {
  year: number;
  kind: AcceptanceWindowNoticeKind;
  recipients: number;
  sent: number;
  alreadySent: number;
}

/** The outbox subject of one year's window notices. */
export const acceptanceWindowSubjectId = (year: number) => `acceptance-window-${year}`;

/** The notice in words, for the Temporal UI's current details (a schedule's run has no static summary). */
const NOTICE_KIND_ZH: Record<AcceptanceWindowNoticeKind, string> = {
  opening: '申报受理期开始通知',
  closingIn30Days: '申报受理期截止前30日提醒',
  closingIn7Days: '申报受理期截止前7日提醒',
};

/** Mails in flight at once: enough to be quick, few enough to be gentle with the mail relay. */
const BATCH = 20;

export async function acceptanceWindowNoticeWorkflow(input: AcceptanceWindowNoticeInput): Promise<AcceptanceWindowNoticeResult> {
  if (!ACCEPTANCE_WINDOW_NOTICE_KINDS.includes(input.kind)) {
    throw ApplicationFailure.nonRetryable(`unknown acceptance-window notice kind: ${String(input.kind)}`, 'InvalidInput');
  }
  // A schedule's run starts at 09:00 CST on its day (or a little later when
  // caught up after an outage): the CST year of the start is the window's year.
  const year = input.year ?? yearOf(cstDateOf(workflowInfo().startTime));
  const window = acceptanceWindow(year);
  // What the run is doing, from its first activation (setting it issues no command).
  const what = `**${year}年度${NOTICE_KIND_ZH[input.kind]}**`;
  setCurrentDetails(`${what}\n\n读取通知对象（各市（州）生态环境局和已注册的申报单位）`);
  const recipients = await acts.listAcceptanceWindowRecipients();
  const result: AcceptanceWindowNoticeResult = { year, kind: input.kind, recipients: recipients.length, sent: 0, alreadySent: 0 };
  const progress = () => setCurrentDetails(`${what}\n\n通知对象 ${result.recipients} 个：已发送 ${result.sent}，此前已发送 ${result.alreadySent}`);
  progress();

  const mail = (r: AcceptanceWindowRecipient) => {
    const common = { year, audience: r.audience, recipientName: r.name, opensOn: window.opensOn, closesAt: window.closesAt };
    // An office by its region (its mailbox looked up when sending; none: recorded undeliverable); an applicant by address.
    // A recipient list recorded before offices were addressed by region (replayed
    // by an open run) has an office's address and no `office`: mail it as then.
    const recordedEmail = (r as { email?: string }).email;
    const to = r.audience === 'applicant' ? [{ email: r.email }]
      : r.office ? [{ role: 'prefectureOfficer', prefecture: r.office }]
      : [{ email: recordedEmail ?? '' }];
    const base = { subjectId: acceptanceWindowSubjectId(year), key: `${input.kind}:${r.id}`, to };
    return input.kind === 'opening'
      ? acts.notify({ ...base, template: 'acceptanceWindowOpening', params: common })
      : acts.notify({ ...base, template: 'acceptanceWindowClosing', params: { ...common, daysLeft: CLOSING_REMINDER_DAYS[input.kind] } });
  };
  for (let i = 0; i < recipients.length; i += BATCH) {
    const delivered = await Promise.all(recipients.slice(i, i + BATCH).map(mail));
    for (const d of delivered) {
      if (d.status === 'sent') result.sent++;
      else if (d.status === 'alreadySent') result.alreadySent++;
    }
    progress();
  }
  return result;
}
