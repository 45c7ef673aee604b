// A public notice (公示, Art. 10 prefecture notice, Art. 15 province notice),
// one workflow per notice, id `<application workflowId>:notice:<level>`
// (the application workflow starts it as a child). It waits until it is
// published, stays open for its working days (the closing instant moves if
// ops add the schedule of a provisional year), takes complaints while open,
// opens one investigation task per complaint (workflows/await-decision.ts),
// and ends "clear" once it has closed and every complaint was found untrue,
// without evidence or resolved, or "stopped" at the first substantiated
// complaint (Art. 16). The contract is workflows/notice-messages.ts.
import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvestigationRecord, NoticeRecord, NoticeWindowView } from '../activities/notices';
import { checkInvestigation, type InvestigationCheck } from '../domain/complaints';
import { DEFAULT_STEP_WORKING_DAYS } from '../domain/deadlines';
import { checkComplaint, noticeOutcome, noticeStatus, type InvestigationOutcome } from '../domain/notice';
import type { Refusal } from '../domain/problems';
import { acts } from './activity-proxies';
import { formatCstInstantZh } from '../domain/dates';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { showWaiting } from './metadata';
import { appliedEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { RefusalType } from './messages';
import {
  calendarChangedSignal,
  fileComplaintUpdate,
  investigateUpdate,
  noticeStateQuery,
  type ComplaintRequest,
  type ComplaintView,
  type InvestigationRequest,
  type NoticeInput,
  type NoticeResult,
  type NoticeState,
} from './notice-messages';

interface ComplaintState {
  complaintId: string;
  receivedAt: string;
  outcome: InvestigationOutcome | null;
  findings: string | null;
  delegatedTo: string | null;
  /** The investigation task now open for it, if any. */
  taskId: string | null;
  /** The last decision on it (a delegation or the outcome), which closes its tasks. */
  decisionId: string | null;
  /** Its row exists: decisions on it can be recorded. */
  recorded: boolean;
}

type NoticeStatus = NoticeState['status'];

const nowIso = () => new Date(Date.now()).toISOString();

/** A refusal as the failure type the API maps to 403, 409 or 422; the refusal rides along as details. */
function refuse(r: Refusal, suffix = ''): never {
  throw ApplicationFailure.create({ type: RefusalType[r.kind], message: r.zh + suffix, nonRetryable: true, details: [r] });
}

export async function noticeWorkflow(input: NoticeInput): Promise<NoticeResult> {
  const { workflowId } = workflowInfo();
  const stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
  // A prefecture notice is run, and its complaints investigated, by the unit's prefecture (Art. 10).
  const runningPrefecture = input.level === 'prefecture' ? (input.prefectures[0] ?? null) : null;

  let window: NoticeWindowView = await acts.computeNoticeWindow({ publishedAt: input.publishedAt, workingDays: input.workingDays });
  let status: NoticeStatus = noticeStatus(window, Date.now());
  let outcome: NoticeResult['outcome'] | null = null;
  let closedAt: string | null = null;
  /** Set by the first substantiated complaint: the notice stops there (Art. 16). */
  let stopReason: string | null = null;
  let calendarChanged = false;
  const complaints = new Map<string, ComplaintState>();
  /** The investigation task now open per complaint, for the Temporal UI's details. */
  const investigationTasks = new Map<string, OpenTask>();
  /** The board's row and the Temporal UI's details, after each change of the notice's status. */
  const writeNotice = async () => {
    showState();
    await acts.recordNotice(record());
  };
  const showState = () => {
    for (const [id, c] of complaints) if (c.outcome !== null || stopReason !== null) investigationTasks.delete(id);
    const state = status === 'closed' ? '公示已结束' : status === 'open' ? `公示中，${formatCstInstantZh(window.closesAt)}截止` : `${formatCstInstantZh(window.opensAt)}开始公示`;
    showWaiting(investigationTasks.values(), state);
  };
  const investigations: Promise<void>[] = [];
  let investigationFailure: unknown;

  const record = (): NoticeRecord => ({
    id: input.noticeId,
    workflowId,
    applicationId: input.applicationId,
    level: input.level,
    prefecture: runningPrefecture,
    workingDays: input.workingDays,
    opensAt: window.opensAt,
    closesAt: window.closesAt,
    provisional: window.provisional,
    status,
    outcome,
    closedAt,
    summary: { unitName: input.unit.name, unitType: input.unit.type, year: input.year, prefectures: input.prefectures },
  });

  const viewOf = (c: ComplaintState): ComplaintView => ({
    complaintId: c.complaintId,
    receivedAt: c.receivedAt,
    status: c.outcome ? 'closed' : 'open',
    outcome: c.outcome,
    delegatedTo: c.delegatedTo,
  });

  const windowText = () => `（公示期：${formatCstInstantZh(window.opensAt)} 至 ${formatCstInstantZh(window.closesAt)}，北京时间）`;

  function checkFiling(request: ComplaintRequest): void {
    if (stopReason !== null) {
      refuse({ kind: 'conflict', code: 'noticeStopped', zh: '公示期间已有投诉举报经查属实，本次公示已终止，不再受理投诉举报', en: 'The notice stopped after a substantiated complaint' });
    }
    const refusal = checkComplaint(window, request, Date.now());
    if (refusal) refuse(refusal, refusal.kind === 'conflict' ? windowText() : '');
    if (typeof request.complaintId !== 'string' || !request.complaintId) {
      refuse({ kind: 'invalid', code: 'invalidPayload', zh: '缺少投诉举报编号', en: 'complaintId is required' });
    }
    if (complaints.has(request.complaintId)) {
      refuse({ kind: 'conflict', code: 'duplicateComplaint', zh: '该投诉举报编号已使用', en: `Complaint ${request.complaintId} was already filed` });
    }
  }

  function checkDecision(request: InvestigationRequest): { complaint: ComplaintState; check: Extract<InvestigationCheck, { ok: true }> } {
    const complaint = complaints.get(request.complaintId);
    if (!complaint) refuse({ kind: 'invalid', code: 'unknownComplaint', zh: '本次公示没有这个投诉举报', en: `No complaint ${request.complaintId} on this notice` });
    if (!complaint.recorded) refuse({ kind: 'conflict', code: 'complaintBeingFiled', zh: '该投诉举报正在登记，请稍后再试', en: 'The complaint is still being filed' });
    if (stopReason !== null && !complaint.outcome) {
      refuse({ kind: 'conflict', code: 'noticeStopped', zh: '公示期间已有投诉举报经查属实，本次公示已终止', en: 'The notice stopped after a substantiated complaint' });
    }
    const check = checkInvestigation(
      { level: input.level, prefectures: input.prefectures, delegatedTo: complaint.delegatedTo, investigated: complaint.outcome !== null },
      request.actor,
      {
        ...(request.outcome !== undefined ? { outcome: request.outcome } : {}),
        ...(request.findings !== undefined ? { findings: request.findings } : {}),
        ...(request.delegateTo !== undefined ? { delegateTo: request.delegateTo } : {}),
      },
    );
    if (!check.ok) refuse(check.refusal);
    return { complaint, check };
  }

  /** One task per complaint: the notice's office, then the delegated prefecture if the province hands it on (Art. 15). */
  async function investigate(c: ComplaintState): Promise<void> {
    const track = (task: OpenTask) => {
      c.taskId = task.taskId;
      investigationTasks.set(c.complaintId, task);
      showState();
    };
    const first: HumanStep = {
      subjectType: 'application',
      subjectId: input.applicationId,
      unitName: input.unit.name,
      step: `${input.level}Notice.investigation`,
      taskKey: `investigation.${c.complaintId}`,
      role: input.level === 'prefecture' ? 'prefectureOfficer' : 'provinceOfficer',
      prefecture: runningPrefecture,
      workingDays: stepWorkingDays,
    };
    await awaitDecision(first, () => stopReason !== null || c.outcome !== null || c.delegatedTo !== null, track);
    // The decision may have arrived while the task was being opened: close it
    // now that it exists (closing is idempotent).
    await recordActLater({ changes: [closeTasksChange([taskIdFor(first)], c.decisionId ?? 'noticeStopped', nowIso())] });
    if (c.outcome !== null || stopReason !== null || !c.delegatedTo) return;
    const delegated: HumanStep = { ...first, taskKey: `investigation.${c.complaintId}.delegated`, role: 'prefectureOfficer', prefecture: c.delegatedTo };
    await awaitDecision(delegated, () => stopReason !== null || c.outcome !== null, track);
    await recordActLater({ changes: [closeTasksChange([taskIdFor(delegated)], c.outcome ? (c.decisionId ?? 'noticeStopped') : 'noticeStopped', nowIso())] });
  }

  setHandler(noticeStateQuery, (): NoticeState => ({
    noticeId: input.noticeId,
    status,
    opensAt: window.opensAt,
    closesAt: window.closesAt,
    provisional: window.provisional,
    complaints: [...complaints.values()].map(viewOf),
    outcome,
  }));

  setHandler(calendarChangedSignal, () => {
    calendarChanged = true;
  });

  setHandler(
    fileComplaintUpdate,
    async (request) => {
      checkFiling(request);
      // State first: a concurrent filing with the same id is refused by the validator.
      const complaint: ComplaintState = {
        complaintId: request.complaintId,
        receivedAt: nowIso(),
        outcome: null,
        findings: null,
        delegatedTo: null,
        taskId: null,
        decisionId: null,
        recorded: false,
      };
      complaints.set(complaint.complaintId, complaint);
      await acts.recordComplaint({
        id: complaint.complaintId,
        noticeId: input.noticeId,
        complainant: { name: request.complainant.name.trim(), contact: request.complainant.contact.trim() },
        content: request.content,
        receivedAt: complaint.receivedAt,
      });
      complaint.recorded = true;
      // The investigation waits for a person and outlives this Update: it
      // runs beside the main line, which waits for it before returning.
      investigations.push(
        investigate(complaint).catch((error: unknown) => {
          investigationFailure ??= error;
        }),
      );
      return { complaintId: complaint.complaintId, receivedAt: complaint.receivedAt };
    },
    { validator: checkFiling },
  );

  setHandler(
    investigateUpdate,
    async (request): Promise<ComplaintView> => {
      const { complaint, check } = checkDecision(request);
      // Everything that decides happens before the first await, so a second
      // decision on the same complaint is checked against the new state.
      const at = nowIso();
      const taskId = complaint.taskId;
      const delegation = check.kind === 'delegation';
      complaint.decisionId = request.decisionId;
      if (check.kind === 'delegation') {
        complaint.delegatedTo = check.delegateTo;
        complaint.taskId = null;
      } else {
        complaint.outcome = check.outcome;
        complaint.findings = request.findings ?? null;
        if (check.outcome === 'substantiated' && stopReason === null) stopReason = request.findings ?? '公示期间投诉举报经查属实';
      }
      const view = viewOf(complaint);
      showState();
      const decision = {
        decisionId: request.decisionId,
        // One id for a delegation wherever it is named (the API's refusals, the console).
        action: delegation ? 'delegateComplaint' : 'investigate',
        actor: request.actor,
        reason: delegation ? null : (request.findings ?? null),
        payload: {
          noticeId: input.noticeId,
          complaintId: complaint.complaintId,
          ...(delegation ? { delegateTo: complaint.delegatedTo } : { outcome: complaint.outcome }),
        },
      };
      const investigation: InvestigationRecord = {
        complaintId: complaint.complaintId,
        decisionId: request.decisionId,
        investigatedBy: request.actor.sub,
        at,
        ...(delegation ? { delegatedTo: complaint.delegatedTo ?? '' } : { outcome: complaint.outcome ?? '', findings: complaint.findings ?? '' }),
      };
      await recordActNow(
        {
          audit: appliedEntry(decision, { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId }, null, at),
          changes: [{ kind: 'investigation', investigation }, ...(taskId ? [closeTasksChange([taskId], request.decisionId, at)] : [])],
        },
        new Set(),
      );
      return view;
    },
    { validator: (request) => void checkDecision(request) },
  );

  const settled = () => stopReason !== null || investigationFailure !== undefined;

  try {
    await writeNotice();

    // Scheduled, then open: each wait ends at the next instant of the window,
    // recomputed after a calendar change, so a moved closing time moves the timer.
    while (status !== 'closed' && !settled()) {
      const now = Date.now();
      const next = noticeStatus(window, now);
      if (next !== status) {
        status = next;
        if (status === 'closed') break;
        await writeNotice();
        continue;
      }
      const until = (status === 'scheduled' ? Date.parse(window.opensAt) : Date.parse(window.closesAt)) - now;
      await condition(() => calendarChanged || settled(), until);
      if (calendarChanged) {
        calendarChanged = false;
        // Only a provisional window can change: a published schedule is final.
        if (window.provisional) {
          window = await acts.computeNoticeWindow({ publishedAt: input.publishedAt, workingDays: input.workingDays });
          await writeNotice();
        }
      }
    }
    if (investigationFailure !== undefined) throw investigationFailure;
    status = 'closed';
    // A notice closes at its closing instant, or earlier when a complaint stopped it.
    closedAt = Date.now() >= Date.parse(window.closesAt) ? window.closesAt : nowIso();
    await writeNotice();

    // Closed: every complaint must be settled before the notice has an outcome (Art. 16).
    await condition(() => settled() || [...complaints.values()].every((c) => c.outcome !== null));
    if (investigationFailure !== undefined) throw investigationFailure;
    const result = noticeOutcome(true, [...complaints.values()]);
    outcome = result === 'stopped' ? 'stopped' : 'clear';
    await writeNotice();
    // Let the last Update finish its activities, then the investigations
    // (tasks of complaints left undecided by a stop close as their waits end).
    await condition(allHandlersFinished);
    await Promise.all(investigations);
    if (investigationFailure !== undefined) throw investigationFailure;
    return {
      outcome,
      reason: outcome === 'stopped' ? stopReason : null,
      opensAt: window.opensAt,
      closesAt: window.closesAt,
      complaints: complaints.size,
    };
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // The parent cancels the notice when the application ends (withdrawal):
    // the board must stop showing it and no office keeps a task for it.
    await CancellationScope.nonCancellable(async () => {
      status = 'closed';
      closedAt ??= nowIso();
      await writeNotice();
      const open = [...complaints.values()].flatMap((c) => (c.taskId ? [c.taskId] : []));
      if (open.length) await recordActLater({ changes: [closeTasksChange(open, 'noticeCancelled', closedAt ?? nowIso())] });
    });
    throw error;
  }
}
