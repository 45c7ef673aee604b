// A rectification (Art. 23) as a child of its base, id
// `base-<baseId>-rectification-<n>`: the clock of one set of requirements.
// Reminders to the base 7 days and 1 day before the deadline; the
// province's verification task opens when the base reports, or at the
// deadline without a report ("not completed in time": the province's
// negative verification makes ground 6 of Art. 24 available). The base
// decides and tells this workflow how it ended (rectificationClosedSignal);
// it then closes its task and ends. Started with ParentClosePolicy.ABANDON,
// so it carries on across the base's yearly continue-as-new.
import { condition, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { cstDateOf, formatCstInstantZh } from '../domain/dates';
import { daysBetween, rectificationDue } from '../domain/deadlines';
import { acts } from './activity-proxies';
import { closeTasksChange, recordActLater } from './decision-writes';
import { showWaiting } from './metadata';
import { awaitDecision } from './await-decision';
import {
  rectificationClosedSignal,
  rectificationReportedSignal,
  type RectificationInput,
  type RectificationOutcome,
} from './rectification-messages';
import { LsPrefecture, LsUnitName } from './search-attributes';
import { sleepUntil } from './sleep-until';

export async function rectificationWorkflow(input: RectificationInput): Promise<{ outcome: RectificationOutcome; verificationTask: string | null }> {
  const state: { reported: boolean; closed: { outcome: RectificationOutcome; decisionId: string } | null } = { reported: false, closed: null };
  setHandler(rectificationReportedSignal, () => void (state.reported = true));
  setHandler(rectificationClosedSignal, (c) => void (state.closed ??= c));
  upsertSearchAttributes([
    { key: LsPrefecture, value: input.unit.prefectures },
    { key: LsUnitName, value: input.unit.name },
  ]);

  const key = `rectification-${input.number}`;
  const due = rectificationDue(input.deadline);
  const waitingForBase = () => state.closed !== null || state.reported;
  setCurrentDetails(`等待建设主体完成整改并报告，期限 ${formatCstInstantZh(due.dueAt)}`);
  for (const r of due.reminders) {
    if (Date.parse(r.at) <= Date.now()) continue;
    if (!(await sleepUntil(Date.parse(r.at), waitingForBase, '整改期限提醒'))) break;
    await acts.notify({
      subjectId: input.baseId,
      key: `${key}.reminder.${r.date}`,
      to: [{ email: input.applicant.contactEmail }],
      template: 'baseDue',
      params: { unitName: input.unit.name, what: '整改（第二十三条）', dueAt: due.dueAt, daysLeft: daysBetween(cstDateOf(r.at), cstDateOf(Date.parse(due.dueAt) - 1)) },
    });
  }
  await sleepUntil(Date.parse(due.dueAt), waitingForBase, '整改期限届满');

  const decided = () => state.closed !== null;
  let verificationTask: string | null = null;
  if (!decided()) {
    verificationTask = `${workflowInfo().workflowId}:${key}.verify`;
    await awaitDecision(
      {
        subjectType: 'base',
        subjectId: input.baseId,
        unitName: input.unit.name,
        step: 'rectification.verify',
        taskKey: `${key}.verify`,
        role: 'provinceOfficer',
        prefecture: null,
        workingDays: input.stepWorkingDays,
        // The province has been told once it is overdue; the task then just waits.
        maxEscalationLevel: 1,
      },
      decided,
      (task) => showWaiting([task], ''),
    );
  }
  await condition(decided);
  const end = state.closed!;
  // Closed here, after this workflow's own write that opened it: the base's
  // decision could otherwise close a row that was not yet written.
  if (verificationTask) await recordActLater({ changes: [closeTasksChange([verificationTask], end.decisionId, new Date(Date.now()).toISOString())] });
  return { outcome: end.outcome, verificationTask };
}
