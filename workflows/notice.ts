// A public notice (公示, Art. 10 prefecture notice, Art. 15 province notice),
// one workflow per notice, id `<application workflowId>:notice:<level>`
// (the application workflow starts it as a child). It waits until it is
// published, stays open for its working days (the closing instant moves if
// ops add the schedule of a provisional year), takes complaints while open,
// opens one investigation task per complaint (workflows/await-decision.ts),
// and ends "clear" once it has closed and every complaint was found untrue,
// without evidence or resolved, or dismissed, or "stopped" at the first
// substantiated complaint (Art. 16). The contract is workflows/notice-messages.ts.
//
// Since issue 15 (behind patched(COMPLAINT_DIGEST)): the office learns of new
// complaints by one digest mail per 30-minute window, not one mail per task,
// and may dismiss (不予受理) several complaints in one Update.
//
// noticeWorkflow reads as the run's steps; NoticeRun holds its state (the
// window, its status, the complaints), its Update, Query and Signal
// handlers and each complaint's investigation, and EFFECTS (at the end) what
// a decision on a complaint does to that state.
import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvestigationRecord, NoticeRecord, NoticeWindowView } from '../activities/notices';
import { checkDismissal, checkInvestigation, COMPLAINT_DIGEST_WINDOW_MS, complaintExcerpt, type InvestigationCheck } from '../domain/complaints';
import { DEFAULT_STEP_WORKING_DAYS } from '../domain/deadlines';
import { checkComplaint, noticeOutcome, noticeStatus, type ComplaintOutcome } from '../domain/notice';
import type { Refusal } from '../domain/problems';
import { acts } from './activity-proxies';
import { formatCstInstantZh } from '../domain/dates';
import { awaitDecision, taskIdFor, type HumanStep, type OpenTask } from './await-decision';
import { showWaiting } from './metadata';
import { registerChaseHandler } from './chase';
import { appliedEntry, closeTasksChange, recordActLater, recordActNow } from './decision-writes';
import { RefusalType } from './messages';
import {
  calendarChangedSignal,
  dismissalActId,
  dismissComplaintsUpdate,
  fileComplaintUpdate,
  investigateUpdate,
  noticeStateQuery,
  type ComplaintRequest,
  type ComplaintView,
  type DismissalRequest,
  type DismissalResult,
  type InvestigationRequest,
  type NoticeInput,
  type NoticeResult,
  type NoticeState,
} from './notice-messages';

interface ComplaintState {
  complaintId: string;
  receivedAt: string;
  outcome: ComplaintOutcome | null;
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

/**
 * New complaints announced by one digest mail per window (domain/complaints.ts
 * COMPLAINT_DIGEST_WINDOW_MS) instead of one taskAssigned mail per
 * investigation task (issue 15). Runs that took complaints before keep one
 * mail per task.
 */
export const COMPLAINT_DIGEST = 'notice-complaint-digest';

const nowIso = () => new Date(Date.now()).toISOString();

/** The window's timers, by what happens when they fire (their instant is in the history and the details). */
const NOTICE_OPENS_SUMMARY = '公示开始';
const NOTICE_CLOSES_SUMMARY = '公示期满，公示结束';

/** A refusal as the failure type the API maps to 403, 409 or 422; the refusal rides along as details. */
function refuse(r: Refusal, suffix = ''): never {
  throw ApplicationFailure.create({ type: RefusalType[r.kind], message: r.zh + suffix, nonRetryable: true, details: [r] });
}

/** The notice's window in working days (the activity). Not async: the main line awaits the activity itself. */
function computeWindow(input: NoticeInput): Promise<NoticeWindowView> {
  return acts.computeNoticeWindow({ publishedAt: input.publishedAt, workingDays: input.workingDays });
}

const viewOf = (c: ComplaintState): ComplaintView => ({
  complaintId: c.complaintId,
  receivedAt: c.receivedAt,
  status: c.outcome ? 'closed' : 'open',
  outcome: c.outcome,
  delegatedTo: c.delegatedTo,
});

/**
 * The workflow, step by step; the state and the steps are NoticeRun's.
 * write is async as before; close, nextInstant, complaintsSettled,
 * decideOutcome, investigationsEnded and closeOnCancellation are not: they
 * return the very promise the main line awaits, so it resumes on the same
 * microtask turn as before. An extra turn could put its next command after,
 * instead of before, a handler's in the same activation, and the recorded
 * histories (test/histories/) hold that order. For the same reason the
 * window's loop, whose turns await one after another, stays here.
 */
export async function noticeWorkflow(input: NoticeInput): Promise<NoticeResult> {
  showWaiting([], '正在按工作日计算公示期');
  const notice = new NoticeRun(input, await computeWindow(input));
  notice.registerHandlers();
  try {
    await notice.write();
    // Scheduled, then open: each wait ends at the next instant of the window,
    // recomputed after a calendar change, so a moved closing time moves the timer.
    while (notice.beforeClose()) {
      if (notice.statusMoved()) {
        if (notice.status === 'closed') break;
        await notice.write();
        continue;
      }
      await notice.nextInstant();
      if (notice.windowMayMove()) {
        notice.window = await computeWindow(input);
        await notice.write();
      }
    }
    notice.throwIfInvestigationFailed();
    await notice.close();
    // Closed: every complaint must be settled before the notice has an outcome (Art. 16).
    await notice.complaintsSettled();
    notice.throwIfInvestigationFailed();
    await notice.decideOutcome();
    // Let the last Update finish its activities, then the investigations
    // (tasks of complaints left undecided by a stop close as their waits end).
    await condition(allHandlersFinished);
    await notice.investigationsEnded();
    notice.throwIfInvestigationFailed();
    return notice.result();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // The parent cancels the notice when the application ends (withdrawal):
    // the board must stop showing it and no office keeps a task for it.
    await notice.closeOnCancellation();
    throw error;
  }
}

/** One notice's run: its state, read by the handlers, the investigations and the main line, and its steps. */
class NoticeRun {
  readonly workflowId = workflowInfo().workflowId;
  private readonly stepWorkingDays: number;
  /** A prefecture notice is run, and its complaints investigated, by the unit's prefecture, or the one a cross-prefecture unit applied through (Art. 10, 11). */
  private readonly runningPrefecture: string | null;

  status: NoticeStatus;
  private outcome: NoticeResult['outcome'] | null = null;
  private closedAt: string | null = null;
  /** Set by the first substantiated complaint: the notice stops there (Art. 16). */
  stopReason: string | null = null;
  private calendarChanged = false;
  private readonly complaints = new Map<string, ComplaintState>();
  /** The investigation task now open per complaint, for the Temporal UI's details. */
  private readonly investigationTasks = new Map<string, OpenTask>();
  private readonly investigations: Promise<void>[] = [];
  private investigationFailure: unknown;
  /** Whether this run announces complaints by digest (patched(COMPLAINT_DIGEST), asked at the first complaint). */
  private digests: boolean | undefined;
  /** Complaints received in the digest's current window, with what its mail quotes of each. */
  private readonly digest: { complaint: ComplaintState; excerpt: string }[] = [];
  private digestOpen = false;
  private digestsSent = 0;

  constructor(
    readonly input: NoticeInput,
    public window: NoticeWindowView,
  ) {
    this.stepWorkingDays = input.stepWorkingDays ?? DEFAULT_STEP_WORKING_DAYS;
    this.runningPrefecture = input.level === 'prefecture' ? (input.runningPrefecture ?? input.prefectures[0] ?? null) : null;
    this.status = noticeStatus(window, Date.now());
  }

  // ---- The main line, in the order the workflow takes it.

  /** Handlers are arrows over the run: setHandler calls them without `this`. */
  registerHandlers(): void {
    setHandler(noticeStateQuery, () => this.state());
    setHandler(calendarChangedSignal, () => {
      this.calendarChanged = true;
    });
    setHandler(fileComplaintUpdate, (request) => this.fileComplaint(request), { validator: (request) => this.checkFiling(request) });
    setHandler(investigateUpdate, (request) => this.decide(request), { validator: (request) => void this.checkDecision(request) });
    setHandler(dismissComplaintsUpdate, (request) => this.dismiss(request), { validator: (request) => void this.checkDismissal(request) });
    const { input } = this;
    registerChaseHandler({
      findTask: (taskId) => [...this.investigationTasks.values()].find((t) => t.taskId === taskId),
      prefectures: input.prefectures,
      subject: { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId: this.workflowId },
      mailSubjectId: input.applicationId,
      unitName: input.unit.name,
      // Investigation tasks are offices' (domain/chase.ts taskHolder): no unit to reach.
      unitEmail: null,
      resultStage: () => null,
    });
  }

  /** The board's row and the Temporal UI's details, after each change of the notice's status. */
  async write(): Promise<void> {
    this.showState();
    await acts.recordNotice(this.record());
  }

  /** A complaint stopped the notice, or an investigation failed: the main line stops waiting. */
  private settled(): boolean {
    return this.stopReason !== null || this.investigationFailure !== undefined;
  }

  /** Scheduled or open, and not settled. */
  beforeClose(): boolean {
    return this.status !== 'closed' && !this.settled();
  }

  /** The window's status now differs from the notice's (scheduled to open, open to closed): the notice takes it. */
  statusMoved(): boolean {
    const next = noticeStatus(this.window, Date.now());
    if (next === this.status) return false;
    this.status = next;
    return true;
  }

  /**
   * Until the window's next instant, a calendar change or a stop. Not async:
   * the main line awaits the timer itself. The timer is named (the ops
   * history and the Temporal UI show its summary): the opening or the close.
   */
  nextInstant(): Promise<boolean> {
    const opening = this.status === 'scheduled';
    const until = (opening ? Date.parse(this.window.opensAt) : Date.parse(this.window.closesAt)) - Date.now();
    return condition(() => this.calendarChanged || this.settled(), until, { summary: opening ? NOTICE_OPENS_SUMMARY : NOTICE_CLOSES_SUMMARY });
  }

  /** Takes a calendar change, if one was signalled: may the window move? */
  windowMayMove(): boolean {
    if (!this.calendarChanged) return false;
    this.calendarChanged = false;
    // Only a provisional window can change: a published schedule is final.
    return this.window.provisional;
  }

  throwIfInvestigationFailed(): void {
    if (this.investigationFailure !== undefined) throw this.investigationFailure;
  }

  /** Not async: the main line awaits the write itself. */
  close(): Promise<void> {
    this.status = 'closed';
    // A notice closes at its closing instant, or earlier when a complaint stopped it.
    this.closedAt = Date.now() >= Date.parse(this.window.closesAt) ? this.window.closesAt : nowIso();
    return this.write();
  }

  /** Not async: the main line awaits the condition itself. */
  complaintsSettled(): Promise<void> {
    return condition(() => this.settled() || [...this.complaints.values()].every((c) => c.outcome !== null));
  }

  /** Not async: the main line awaits the write itself. */
  decideOutcome(): Promise<void> {
    const result = noticeOutcome(true, [...this.complaints.values()]);
    this.outcome = result === 'stopped' ? 'stopped' : 'clear';
    return this.write();
  }

  /** Not async: the main line awaits the investigations themselves. */
  investigationsEnded(): Promise<void[]> {
    return Promise.all(this.investigations);
  }

  /** After decideOutcome. */
  result(): NoticeResult {
    const outcome = this.outcome ?? 'clear';
    return {
      outcome,
      reason: outcome === 'stopped' ? this.stopReason : null,
      opensAt: this.window.opensAt,
      closesAt: this.window.closesAt,
      complaints: this.complaints.size,
    };
  }

  /** Closed, and every open task closed, whatever cancels the run meanwhile. Not async: the main line awaits the scope itself. */
  closeOnCancellation(): Promise<void> {
    return CancellationScope.nonCancellable(async () => {
      this.status = 'closed';
      this.closedAt ??= nowIso();
      await this.write();
      const open = [...this.complaints.values()].flatMap((c) => (c.taskId ? [c.taskId] : []));
      if (open.length) await recordActLater({ changes: [closeTasksChange(open, 'noticeCancelled', this.closedAt ?? nowIso())] });
    });
  }

  // ---- The handlers.

  private state(): NoticeState {
    return {
      noticeId: this.input.noticeId,
      status: this.status,
      opensAt: this.window.opensAt,
      closesAt: this.window.closesAt,
      provisional: this.window.provisional,
      complaints: [...this.complaints.values()].map(viewOf),
      outcome: this.outcome,
    };
  }

  private windowText(): string {
    return `（公示期：${formatCstInstantZh(this.window.opensAt)} 至 ${formatCstInstantZh(this.window.closesAt)}，北京时间）`;
  }

  private checkFiling(request: ComplaintRequest): void {
    if (this.stopReason !== null) {
      refuse({ kind: 'conflict', code: 'noticeStopped', zh: '公示期间已有投诉举报经查属实，本次公示已终止，不再受理投诉举报', en: 'The notice stopped after a substantiated complaint' });
    }
    const refusal = checkComplaint(this.window, request, Date.now());
    if (refusal) refuse(refusal, refusal.kind === 'conflict' ? this.windowText() : '');
    if (typeof request.complaintId !== 'string' || !request.complaintId) {
      refuse({ kind: 'invalid', code: 'invalidPayload', zh: '缺少投诉举报编号', en: 'complaintId is required' });
    }
    if (this.complaints.has(request.complaintId)) {
      refuse({ kind: 'conflict', code: 'duplicateComplaint', zh: '该投诉举报编号已使用', en: `Complaint ${request.complaintId} was already filed` });
    }
  }

  /** A complaint (the `fileComplaint` Update): recorded, answered, and its investigation started. */
  private async fileComplaint(request: ComplaintRequest): Promise<{ complaintId: string; receivedAt: string }> {
    this.checkFiling(request);
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
    this.complaints.set(complaint.complaintId, complaint);
    // Asked once per run, at its first complaint: a run that took complaints before keeps one mail per task.
    const digest = (this.digests ??= patched(COMPLAINT_DIGEST));
    await acts.recordComplaint({
      id: complaint.complaintId,
      noticeId: this.input.noticeId,
      complainant: { name: request.complainant.name.trim(), contact: request.complainant.contact.trim() },
      content: request.content,
      receivedAt: complaint.receivedAt,
    });
    complaint.recorded = true;
    if (digest) this.addToDigest(complaint, complaintExcerpt(request.content));
    // The investigation waits for a person and outlives this Update: it
    // runs beside the main line, which waits for it before returning.
    this.investigations.push(
      this.investigate(complaint, digest).catch((error: unknown) => {
        this.investigationFailure ??= error;
      }),
    );
    return { complaintId: complaint.complaintId, receivedAt: complaint.receivedAt };
  }

  private checkDecision(request: InvestigationRequest): { complaint: ComplaintState; check: Extract<InvestigationCheck, { ok: true }> } {
    const complaint = this.complaints.get(request.complaintId);
    if (!complaint) refuse({ kind: 'invalid', code: 'unknownComplaint', zh: '本次公示没有这个投诉举报', en: `No complaint ${request.complaintId} on this notice` });
    if (!complaint.recorded) refuse({ kind: 'conflict', code: 'complaintBeingFiled', zh: '该投诉举报正在登记，请稍后再试', en: 'The complaint is still being filed' });
    if (this.stopReason !== null && !complaint.outcome) {
      refuse({ kind: 'conflict', code: 'noticeStopped', zh: '公示期间已有投诉举报经查属实，本次公示已终止', en: 'The notice stopped after a substantiated complaint' });
    }
    const check = checkInvestigation(
      { level: this.input.level, prefectures: this.input.prefectures, runBy: this.runningPrefecture, delegatedTo: complaint.delegatedTo, investigated: complaint.outcome !== null },
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

  /** A decision on a complaint (the `investigate` Update): a delegation or the outcome, applied, recorded, answered. */
  private async decide(request: InvestigationRequest): Promise<ComplaintView> {
    const { complaint, check } = this.checkDecision(request);
    // Everything that decides happens before the first await, so a second
    // decision on the same complaint is checked against the new state.
    const at = nowIso();
    const taskId = complaint.taskId;
    const delegation = check.kind === 'delegation';
    complaint.decisionId = request.decisionId;
    if (check.kind === 'delegation') delegateComplaint(complaint, check.delegateTo);
    else concludeComplaint(this, complaint, check.outcome, request.findings);
    const view = viewOf(complaint);
    this.showState();
    const { input } = this;
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
        audit: appliedEntry(decision, { subjectType: 'application', subjectId: input.applicationId, applicationId: input.applicationId, workflowId: this.workflowId }, null, at),
        changes: [{ kind: 'investigation', investigation }, ...(taskId ? [closeTasksChange([taskId], request.decisionId, at)] : [])],
      },
      new Set(),
    );
    return view;
  }

  private checkDismissal(request: DismissalRequest): ComplaintState[] {
    const ids: unknown[] = Array.isArray(request.complaintIds) ? request.complaintIds : [];
    const found = ids.map((id) => (typeof id === 'string' ? this.complaints.get(id) : undefined));
    const candidates = ids.map((id, i) => {
      const c = found[i];
      return { complaintId: String(id), complaint: c ? { receivedAt: c.receivedAt, delegatedTo: c.delegatedTo, investigated: c.outcome !== null } : null };
    });
    const check = checkDismissal({ level: this.input.level, prefectures: this.input.prefectures, runBy: this.runningPrefecture }, candidates, request.actor, { complaintIds: request.complaintIds, reason: request.reason });
    if (!check.ok) refuse(check.refusal);
    if (this.stopReason !== null) {
      refuse({ kind: 'conflict', code: 'noticeStopped', zh: '公示期间已有投诉举报经查属实，本次公示已终止', en: 'The notice stopped after a substantiated complaint' });
    }
    const complaints = found.filter((c): c is ComplaintState => c !== undefined);
    if (complaints.some((c) => !c.recorded)) refuse({ kind: 'conflict', code: 'complaintBeingFiled', zh: '所选投诉举报中有正在登记的，请稍后再试', en: 'A complaint is still being filed' });
    return complaints;
  }

  /**
   * Several complaints dismissed at once (the `dismissComplaints` Update):
   * each closed with its task and recorded as its own act, one after another,
   * before the Update answers. A dismissed complaint settles like an untrue
   * one: once the notice has closed and nothing is open, the notice ends clear.
   */
  private async dismiss(request: DismissalRequest): Promise<DismissalResult> {
    const complaints = this.checkDismissal(request);
    // Every complaint settled before the first await, so a second request naming one of them is refused.
    const at = nowIso();
    const reason = request.reason.trim();
    const written = complaints.map((c) => {
      const actId = dismissalActId(request.decisionId, c.complaintId);
      const taskId = c.taskId;
      c.decisionId = actId;
      concludeComplaint(this, c, 'dismissed', reason);
      return { c, actId, taskId };
    });
    const views = complaints.map(viewOf);
    this.showState();
    const { input } = this;
    const subject = { subjectType: 'application' as const, subjectId: input.applicationId, applicationId: input.applicationId, workflowId: this.workflowId };
    for (const { c, actId, taskId } of written) {
      const decision = {
        decisionId: actId,
        action: 'dismissComplaint',
        actor: request.actor,
        reason,
        // The request it was part of, and how many that dismissed: the API answers a retry from these (api/complaints.ts).
        payload: { noticeId: input.noticeId, complaintId: c.complaintId, outcome: 'dismissed', dismissalId: request.decisionId, complaints: written.length },
      };
      const investigation: InvestigationRecord = { complaintId: c.complaintId, decisionId: actId, investigatedBy: request.actor.sub, at, outcome: 'dismissed', findings: reason };
      await recordActNow(
        {
          audit: appliedEntry(decision, subject, null, at),
          changes: [{ kind: 'investigation', investigation }, ...(taskId ? [closeTasksChange([taskId], actId, at)] : [])],
        },
        new Set(),
      );
    }
    return { decisionId: request.decisionId, complaints: views };
  }

  // ---- The digest of new complaints (behind patched(COMPLAINT_DIGEST)).

  /** A complaint joins the current window's mail; the first one opens the window. */
  private addToDigest(complaint: ComplaintState, excerpt: string): void {
    this.digest.push({ complaint, excerpt });
    if (this.digestOpen) return;
    this.digestOpen = true;
    // Beside the main line like an investigation, which waits for it before returning.
    this.investigations.push(
      this.sendDigest().catch((error: unknown) => {
        this.investigationFailure ??= error;
      }),
    );
  }

  /**
   * At the end of the window (one durable timer), one mail to the office in
   * charge listing the complaints of the window still open: when each came in
   * (北京时间), the start of its text, its task's due date; never who filed it.
   * Nothing is sent when every one of them was settled meanwhile, or the notice stopped.
   */
  private async sendDigest(): Promise<void> {
    const waiting = () => this.digest.filter((d) => d.complaint.outcome === null && d.complaint.delegatedTo === null);
    await condition(() => this.stopReason !== null || waiting().length === 0, COMPLAINT_DIGEST_WINDOW_MS, { summary: '投诉举报汇总：汇总期结束后发送' });
    const open = waiting();
    this.digest.length = 0;
    this.digestOpen = false;
    if (this.stopReason !== null || open.length === 0) return;
    const { input } = this;
    this.digestsSent += 1;
    await acts.notify({
      subjectId: input.applicationId,
      key: `${input.level}Notice.complaintDigest.${this.digestsSent}`,
      to: [{ role: input.level === 'prefecture' ? 'prefectureOfficer' : 'provinceOfficer', prefecture: this.runningPrefecture }],
      template: 'complaintDigest',
      params: {
        unitName: input.unit.name,
        level: input.level,
        complaints: open.map((d) => ({ receivedAt: d.complaint.receivedAt, excerpt: d.excerpt, dueAt: this.investigationTasks.get(d.complaint.complaintId)?.dueAt ?? null })),
      },
    });
  }

  // ---- The investigations.

  /** One task per complaint: the notice's office, then the delegated prefecture if the province hands it on (Art. 15). */
  private async investigate(c: ComplaintState, digest = false): Promise<void> {
    const { input } = this;
    const track = (task: OpenTask) => {
      c.taskId = task.taskId;
      this.investigationTasks.set(c.complaintId, task);
      this.showState();
    };
    const first: HumanStep = {
      subjectType: 'application',
      subjectId: input.applicationId,
      unitName: input.unit.name,
      step: `${input.level}Notice.investigation`,
      taskKey: `investigation.${c.complaintId}`,
      role: input.level === 'prefecture' ? 'prefectureOfficer' : 'provinceOfficer',
      prefecture: this.runningPrefecture,
      workingDays: this.stepWorkingDays,
      // Announced by the digest (sendDigest), not by a mail of its own.
      ...(digest ? { announce: false } : {}),
    };
    await awaitDecision(first, () => this.stopReason !== null || c.outcome !== null || c.delegatedTo !== null, track);
    // The decision may have arrived while the task was being opened: close it
    // now that it exists (closing is idempotent).
    await recordActLater({ changes: [closeTasksChange([taskIdFor(first)], c.decisionId ?? 'noticeStopped', nowIso())] });
    if (c.outcome !== null || this.stopReason !== null || !c.delegatedTo) return;
    // The delegated prefecture is told by a mail of its own.
    const delegated: HumanStep = { ...first, taskKey: `investigation.${c.complaintId}.delegated`, role: 'prefectureOfficer', prefecture: c.delegatedTo, announce: true };
    await awaitDecision(delegated, () => this.stopReason !== null || c.outcome !== null, track);
    await recordActLater({ changes: [closeTasksChange([taskIdFor(delegated)], c.outcome ? (c.decisionId ?? 'noticeStopped') : 'noticeStopped', nowIso())] });
  }

  // ---- The board's row and what the Temporal UI shows.

  /** The Temporal UI's current details: the open investigation tasks, or the window (workflows/metadata.ts). */
  private showState(): void {
    for (const [id, c] of this.complaints) if (c.outcome !== null || this.stopReason !== null) this.investigationTasks.delete(id);
    const { status, window } = this;
    const state = status === 'closed' ? '公示已结束' : status === 'open' ? `公示中，${formatCstInstantZh(window.closesAt)}截止` : `${formatCstInstantZh(window.opensAt)}开始公示`;
    showWaiting(this.investigationTasks.values(), state);
  }

  private record(): NoticeRecord {
    const { input, window } = this;
    return {
      id: input.noticeId,
      workflowId: this.workflowId,
      applicationId: input.applicationId,
      level: input.level,
      prefecture: this.runningPrefecture,
      workingDays: input.workingDays,
      opensAt: window.opensAt,
      closesAt: window.closesAt,
      provisional: window.provisional,
      status: this.status,
      outcome: this.outcome,
      closedAt: this.closedAt,
      summary: { unitName: input.unit.name, unitType: input.unit.type, year: input.year, prefectures: input.prefectures },
    };
  }
}

// ---- What a decision does to its complaint (EFFECTS).

/** The province hands the investigation to a unit's prefecture (Art. 15): its own task closes, investigate opens the prefecture's. */
function delegateComplaint(c: ComplaintState, to: string): void {
  c.delegatedTo = to;
  c.taskId = null;
}

/** The investigation's outcome; the first substantiated complaint stops the notice (Art. 16). */
function concludeComplaint(run: NoticeRun, c: ComplaintState, outcome: ComplaintOutcome, findings: string | undefined): void {
  c.outcome = outcome;
  c.findings = findings ?? null;
  if (outcome === 'substantiated' && run.stopReason === null) run.stopReason = findings ?? '公示期间投诉举报经查属实';
}
