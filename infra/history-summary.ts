// A workflow's event history in words an ops engineer reads at a glance
// (GET /api/ops/workflows/:id/history, `npm run ops -- history <id>`): what
// happened, when, which decision (Update) and which timer; the workflow
// tasks that carry no meaning of their own are left out and counted. The
// text is what a person reads (issue 16): Chinese, instants in 北京时间, the
// one who acted by office, never an identifier. The names of workflows,
// actions (and the Updates), roles, stages and outcomes come from
// domain/names.ts; activities and signals, which only histories name, from
// CODE_NAME_ZH below; a timer by the summary the workflow gave it. The ids
// (decision, activity, timer, other workflows) stay in `detail` for filtering
// and in the Temporal Web UI.
import type proto from '@temporalio/proto';
import type { Activities } from '../activities';
import { formatCstInstantZh } from '../domain/dates';
import { actionZh, baseStatusZh, officeZh, outcomeZh, stageZh, workflowTypeZh } from '../domain/names';

type IHistory = proto.temporal.api.history.v1.IHistory;
type IEvent = proto.temporal.api.history.v1.IHistoryEvent;
type IPayload = proto.temporal.api.common.v1.IPayload;
type IDuration = proto.google.protobuf.IDuration;
type ITimestamp = proto.google.protobuf.ITimestamp;

export interface SummaryLine {
  eventId: number;
  at: string | null;
  /** A stable kind for filtering: started, decision, decisionRefused, timer, timerFired, activity, … */
  kind: string;
  text: string;
  /** For a decision: its id and action; for a timer: when it fires; for an activity: its type. */
  detail?: Record<string, unknown>;
}

export interface HistorySummary {
  events: number;
  /** Workflow tasks and activity starts: bookkeeping, not listed. */
  omitted: number;
  lines: SummaryLine[];
}

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : 0);

function instant(t: ITimestamp | null | undefined): string | null {
  if (!t) return null;
  return new Date(toNumber(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

function seconds(d: IDuration | null | undefined): number {
  return d ? toNumber(d.seconds) + (d.nanos ?? 0) / 1e9 : 0;
}

function humanDuration(s: number): string {
  if (s >= 86_400) return `${(s / 86_400).toFixed(s % 86_400 === 0 ? 0 : 1)} 天`;
  if (s >= 3600) return `${(s / 3600).toFixed(s % 3600 === 0 ? 0 : 1)} 小时`;
  if (s >= 60) return `${Math.round(s / 60)} 分钟`;
  return `${Math.round(s)} 秒`;
}

/** A JSON payload's value (the SDK's default converter), or undefined. */
export function payloadValue(p: IPayload | null | undefined): unknown {
  if (!p?.data) return undefined;
  const data = typeof p.data === 'string' ? Buffer.from(p.data, 'base64') : Buffer.from(p.data);
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The code names only a history shows, in words: the activities (every one
 * the worker registers, the compiler checks) and the signals. Updates are
 * named by domain/names.ts actionZh, as the audit log names them.
 */
export const CODE_NAME_ZH = {
  activity: {
    recordApplication: '登记申报',
    recordBase: '登记基地',
    recordNotice: '登记公示',
    recordComplaint: '登记投诉举报',
    recordAct: '记录办理行为（审计留痕）',
    openTask: '生成待办',
    escalateTask: '待办逾期升级',
    notify: '发送通知邮件',
    resendNotification: '重发邮件',
    dueAfterWorkingDays: '计算工作日期限',
    computeNoticeWindow: '计算公示期',
    loadExperts: '读取专家库',
    listAcceptanceWindowRecipients: '读取受理期通知对象',
    archiveClosedHistories: '归档已结束流程的历史',
  },
  signal: {
    rectificationReported: '整改报告已提交',
    rectificationClosed: '整改已核查办结',
    moveToCurrentRelease: '迁移到当前版本',
    calendarChanged: '节假日安排已更新',
  },
} as const;
// Every activity has its name: a new one without it does not compile.
CODE_NAME_ZH.activity satisfies Record<keyof Activities, string>;

const activityZh = (type: string | undefined): string =>
  type && Object.prototype.hasOwnProperty.call(CODE_NAME_ZH.activity, type) ? CODE_NAME_ZH.activity[type as keyof typeof CODE_NAME_ZH.activity] : '系统活动';
const signalZh = (name: string | null | undefined): string =>
  name && Object.prototype.hasOwnProperty.call(CODE_NAME_ZH.signal, name) ? CODE_NAME_ZH.signal[name as keyof typeof CODE_NAME_ZH.signal] : '其他信号';

/** A timer by the summary the workflow gave it (Chinese, workflows/await-decision.ts and others); `计时器` without one. */
function timerSummary(e: IEvent): string | null {
  const value = payloadValue(e.userMetadata?.summary);
  return typeof value === 'string' && value.trim() ? value : null;
}

function decisionOf(args: IPayload[] | null | undefined): Record<string, unknown> {
  const value = payloadValue(args?.[0]);
  if (!value || typeof value !== 'object') return {};
  const v = value as { decisionId?: unknown; action?: unknown; complaintId?: unknown; actor?: { sub?: unknown; role?: unknown; prefecture?: unknown } };
  return {
    ...(v.decisionId !== undefined ? { decisionId: v.decisionId } : {}),
    ...(v.action !== undefined ? { action: v.action } : {}),
    ...(v.complaintId !== undefined ? { complaintId: v.complaintId } : {}),
    ...(v.actor?.role !== undefined ? { actor: `${String(v.actor.role)}:${String(v.actor.sub)}` } : {}),
    ...(typeof v.actor?.prefecture === 'string' ? { actorPrefecture: v.actor.prefecture } : {}),
  };
}

/** `「预审通过」，办理人 遵义市生态环境局` for an Update's name and its decision: the office, not the account (in `detail`). */
function decisionWords(update: string, detail: Record<string, unknown>): string {
  const actor = typeof detail.actor === 'string' ? detail.actor : '';
  const role = actor.split(':')[0] ?? '';
  const who = actor ? `，办理人 ${officeZh(role, typeof detail.actorPrefecture === 'string' ? detail.actorPrefecture : null)}` : '';
  return `${actionOf(update, detail)}${who}`;
}

/** The decision's action when it names one (`decide`), else the Update itself (`fileComplaint`, `submitSummary`, …). */
const actionOf = (update: string | null | undefined, detail: Record<string, unknown> | undefined) =>
  `「${actionZh(typeof detail?.action === 'string' ? detail.action : (update ?? 'decide'))}」`;

export function summarizeHistory(history: IHistory): HistorySummary {
  const events = history.events ?? [];
  const lines: SummaryLine[] = [];
  const activityTypes = new Map<number, string>();
  const timers = new Map<string, string>();
  const updates = new Map<string, { name: string; detail: Record<string, unknown> }>();
  let omitted = 0;
  const add = (e: IEvent, kind: string, text: string, detail?: Record<string, unknown>) =>
    lines.push({ eventId: toNumber(e.eventId), at: instant(e.eventTime), kind, text, ...(detail ? { detail } : {}) });

  for (const e of events) {
    const at = instant(e.eventTime);
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      const parent = a.parentWorkflowExecution?.workflowId;
      add(e, 'started', `${workflowTypeZh(a.workflowType?.name ?? '')}启动${parent ? '（由上级流程启动）' : ''}${a.continuedExecutionRunId ? '（延续上一次运行）' : ''}`, parent ? { parentWorkflowId: parent } : undefined);
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = req?.input?.name ?? '';
      const detail = decisionOf(req?.input?.args?.payloads);
      updates.set(req?.meta?.updateId ?? '', { name, detail });
      add(e, 'decision', `受理${decisionWords(name, detail)}`, { update: name, ...detail });
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const u = updates.get(a.meta?.updateId ?? '');
      const failure = a.outcome?.failure;
      if (failure) add(e, 'decisionFailed', `${actionOf(u?.name, u?.detail)}失败：${failure.message ?? ''}`, u?.detail);
      else {
        const result = payloadValue(a.outcome?.success?.payloads?.[0]) as { stage?: unknown } | undefined;
        add(e, 'decisionDone', `${actionOf(u?.name, u?.detail)}办结${result?.stage ? `，阶段：${stageZh(String(result.stage))}` : ''}`, { ...u?.detail, ...(result?.stage ? { stage: result.stage } : {}) });
      }
    } else if (e.workflowExecutionUpdateRejectedEventAttributes) {
      const a = e.workflowExecutionUpdateRejectedEventAttributes;
      const detail = decisionOf(a.rejectedRequest?.input?.args?.payloads);
      add(e, 'decisionRefused', `拒绝${actionOf(a.rejectedRequest?.input?.name, detail)}：${a.failure?.message ?? ''}`, detail);
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      const s = seconds(a.startToFireTimeout);
      const fires = at ? new Date(Date.parse(at) + s * 1000).toISOString() : null;
      const name = timerSummary(e) ?? '计时器';
      timers.set(a.timerId ?? '', name);
      add(e, 'timer', `设定「${name}」：${humanDuration(s)}后触发${fires ? `（${formatCstInstantZh(fires)}，北京时间）` : ''}`, { timerId: a.timerId, firesAt: fires });
    } else if (e.timerFiredEventAttributes) {
      const id = e.timerFiredEventAttributes.timerId;
      add(e, 'timerFired', `「${timers.get(id ?? '') ?? '计时器'}」触发`, { timerId: id });
    } else if (e.timerCanceledEventAttributes) {
      const id = e.timerCanceledEventAttributes.timerId;
      add(e, 'timerCanceled', `「${timers.get(id ?? '') ?? '计时器'}」取消（等待的事已发生）`, { timerId: id });
    } else if (e.activityTaskScheduledEventAttributes) {
      const type = e.activityTaskScheduledEventAttributes.activityType?.name ?? '';
      activityTypes.set(toNumber(e.eventId), type);
      add(e, 'activity', `活动“${activityZh(type)}”已排程`, { activityType: type });
    } else if (e.activityTaskCompletedEventAttributes) {
      add(e, 'activityDone', `活动“${activityZh(activityTypes.get(toNumber(e.activityTaskCompletedEventAttributes.scheduledEventId)))}”完成`);
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      add(e, 'activityFailed', `活动“${activityZh(activityTypes.get(toNumber(a.scheduledEventId)))}”失败：${a.failure?.message ?? ''}`);
    } else if (e.activityTaskTimedOutEventAttributes) {
      add(e, 'activityFailed', `活动“${activityZh(activityTypes.get(toNumber(e.activityTaskTimedOutEventAttributes.scheduledEventId)))}”超时`);
    } else if (e.markerRecordedEventAttributes) {
      const a = e.markerRecordedEventAttributes;
      const data = payloadValue(a.details?.data?.payloads?.[0]) as { activity_type?: string; activityType?: string } | undefined;
      const type = data?.activity_type ?? data?.activityType;
      if (a.markerName === 'core_local_activity') add(e, 'localActivity', `本地活动${type ? `“${activityZh(type)}”` : ''}完成`, type ? { activityType: type } : undefined);
      else if (a.markerName === 'core_patch') add(e, 'patch', '版本标记');
      else omitted += 1;
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
      add(e, 'child', `启动子流程：${workflowTypeZh(a.workflowType?.name ?? '')}`, { workflowId: a.workflowId });
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      const a = e.childWorkflowExecutionCompletedEventAttributes;
      const result = payloadValue(a.result?.payloads?.[0]) as { outcome?: unknown } | undefined;
      add(e, 'childDone', `子流程${workflowTypeZh(a.workflowType?.name ?? '')}结束${result?.outcome ? `：${outcomeZh(String(result.outcome))}` : ''}`, { workflowId: a.workflowExecution?.workflowId, ...(result?.outcome ? { outcome: result.outcome } : {}) });
    } else if (e.childWorkflowExecutionCanceledEventAttributes) {
      const a = e.childWorkflowExecutionCanceledEventAttributes;
      add(e, 'childDone', `子流程${workflowTypeZh(a.workflowType?.name ?? '')}已取消`, { workflowId: a.workflowExecution?.workflowId });
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const name = e.workflowExecutionSignaledEventAttributes.signalName;
      add(e, 'signal', `收到信号“${signalZh(name)}”`, { signalName: name });
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
      // Keys sorted: a history read back from the archive (JSON) does not keep the map's order.
      const stage = payloadValue(fields.LsStage);
      const status = payloadValue(fields.LsBaseStatus);
      const text = stage ? `阶段标记为“${stageZh(String(stage))}”` : status ? `状态标记为“${baseStatusZh(String(status))}”` : '检索属性更新';
      add(e, 'searchAttributes', text, { keys: Object.keys(fields).sort(), ...(stage ? { stage } : {}), ...(status ? { status } : {}) });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      const result = payloadValue(e.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]) as { stage?: unknown; status?: unknown } | undefined;
      const end = result?.stage ?? result?.status;
      add(e, 'completed', `流程结束${end ? `：${stageZh(String(end))}` : ''}`, end ? { stage: end } : undefined);
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      add(e, 'continuedAsNew', '流程以新的运行延续', { newRunId: e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId });
    } else if (e.workflowExecutionFailedEventAttributes) {
      add(e, 'failed', `流程失败：${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}`);
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      add(e, 'terminated', `流程被终止：${e.workflowExecutionTerminatedEventAttributes.reason ?? ''}`);
    } else if (e.workflowExecutionCanceledEventAttributes) {
      add(e, 'canceled', '流程已取消');
    } else if (e.workflowTaskFailedEventAttributes) {
      add(e, 'workflowTaskFailed', `流程任务失败：${e.workflowTaskFailedEventAttributes.failure?.message ?? ''}`);
    } else {
      omitted += 1;
    }
  }
  return { events: events.length, omitted, lines };
}
