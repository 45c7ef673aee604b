// A workflow's event history in words an ops engineer reads at a glance
// (GET /api/ops/workflows/:id/history, `npm run ops -- history <id>`): what
// happened, when, which decision (Update) and which timer; the workflow
// tasks that carry no meaning of their own are left out and counted. The
// names of workflows, actions, roles, stages and outcomes come from
// domain/names.ts; the ids stay in `detail` for filtering.
import type proto from '@temporalio/proto';
import { actionZh, outcomeZh, roleZh, stageZh, workflowTypeZh } from '../domain/names';

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

function decisionOf(args: IPayload[] | null | undefined): Record<string, unknown> {
  const value = payloadValue(args?.[0]);
  if (!value || typeof value !== 'object') return {};
  const v = value as { decisionId?: unknown; action?: unknown; complaintId?: unknown; actor?: { sub?: unknown; role?: unknown } };
  return {
    ...(v.decisionId !== undefined ? { decisionId: v.decisionId } : {}),
    ...(v.action !== undefined ? { action: v.action } : {}),
    ...(v.complaintId !== undefined ? { complaintId: v.complaintId } : {}),
    ...(v.actor?.role !== undefined ? { actor: `${String(v.actor.role)}:${String(v.actor.sub)}` } : {}),
  };
}

/** `「预审通过」，办理人 市（州）生态环境主管部门 zunyi-officer（decision-1）` for an Update's name and its decision. */
function decisionWords(update: string, detail: Record<string, unknown>): string {
  const actor = typeof detail.actor === 'string' ? detail.actor : '';
  const colon = actor.indexOf(':');
  const who = actor ? `，办理人 ${roleZh(colon < 0 ? actor : actor.slice(0, colon))}${colon < 0 ? '' : ` ${actor.slice(colon + 1)}`}` : '';
  return `${actionOf(update, detail)}${who}${detail.decisionId ? `（${String(detail.decisionId)}）` : ''}`;
}

/** The decision's action when it names one (`decide`), else the Update itself (`fileComplaint`, `submitSummary`, …). */
const actionOf = (update: string | null | undefined, detail: Record<string, unknown> | undefined) =>
  `「${actionZh(typeof detail?.action === 'string' ? detail.action : (update ?? 'decide'))}」`;

export function summarizeHistory(history: IHistory): HistorySummary {
  const events = history.events ?? [];
  const lines: SummaryLine[] = [];
  const activityTypes = new Map<number, string>();
  const timers = new Map<string, string | null>();
  const updates = new Map<string, { name: string; detail: Record<string, unknown> }>();
  let omitted = 0;
  const add = (e: IEvent, kind: string, text: string, detail?: Record<string, unknown>) =>
    lines.push({ eventId: toNumber(e.eventId), at: instant(e.eventTime), kind, text, ...(detail ? { detail } : {}) });

  for (const e of events) {
    const at = instant(e.eventTime);
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      add(e, 'started', `${workflowTypeZh(a.workflowType?.name ?? '')}启动${a.parentWorkflowExecution?.workflowId ? `（由 ${a.parentWorkflowExecution.workflowId} 启动）` : ''}${a.continuedExecutionRunId ? '（延续上一次运行）' : ''}`);
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
      timers.set(a.timerId ?? '', fires);
      add(e, 'timer', `设定计时器 ${a.timerId}：${humanDuration(s)}后触发${fires ? `（${fires}）` : ''}`, { timerId: a.timerId, firesAt: fires });
    } else if (e.timerFiredEventAttributes) {
      add(e, 'timerFired', `计时器 ${e.timerFiredEventAttributes.timerId} 触发`, { timerId: e.timerFiredEventAttributes.timerId });
    } else if (e.timerCanceledEventAttributes) {
      add(e, 'timerCanceled', `计时器 ${e.timerCanceledEventAttributes.timerId} 取消（等待的事已发生）`);
    } else if (e.activityTaskScheduledEventAttributes) {
      const type = e.activityTaskScheduledEventAttributes.activityType?.name ?? '';
      activityTypes.set(toNumber(e.eventId), type);
      add(e, 'activity', `活动 ${type} 已排程`, { activityType: type });
    } else if (e.activityTaskCompletedEventAttributes) {
      add(e, 'activityDone', `活动 ${activityTypes.get(toNumber(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? ''} 完成`);
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      add(e, 'activityFailed', `活动 ${activityTypes.get(toNumber(a.scheduledEventId)) ?? ''} 失败：${a.failure?.message ?? ''}`);
    } else if (e.activityTaskTimedOutEventAttributes) {
      add(e, 'activityFailed', `活动 ${activityTypes.get(toNumber(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ?? ''} 超时`);
    } else if (e.markerRecordedEventAttributes) {
      const a = e.markerRecordedEventAttributes;
      const data = payloadValue(a.details?.data?.payloads?.[0]) as { activity_type?: string; activityType?: string } | undefined;
      const type = data?.activity_type ?? data?.activityType;
      if (a.markerName === 'core_local_activity') add(e, 'localActivity', `本地活动${type ? ` ${type}` : ''} 完成`, type ? { activityType: type } : undefined);
      else if (a.markerName === 'core_patch') add(e, 'patch', '版本标记');
      else omitted += 1;
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
      add(e, 'child', `启动子流程：${workflowTypeZh(a.workflowType?.name ?? '')}（${a.workflowId}）`, { workflowId: a.workflowId });
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      const a = e.childWorkflowExecutionCompletedEventAttributes;
      const result = payloadValue(a.result?.payloads?.[0]) as { outcome?: unknown } | undefined;
      add(e, 'childDone', `子流程 ${a.workflowExecution?.workflowId} 结束${result?.outcome ? `：${outcomeZh(String(result.outcome))}` : ''}`, result?.outcome ? { outcome: result.outcome } : undefined);
    } else if (e.childWorkflowExecutionCanceledEventAttributes) {
      add(e, 'childDone', `子流程 ${e.childWorkflowExecutionCanceledEventAttributes.workflowExecution?.workflowId} 已取消`);
    } else if (e.workflowExecutionSignaledEventAttributes) {
      add(e, 'signal', `收到信号 ${e.workflowExecutionSignaledEventAttributes.signalName}`);
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
      const stage = payloadValue(fields.LsStage);
      add(e, 'searchAttributes', stage ? `阶段标记为“${stageZh(String(stage))}”` : `检索属性更新：${Object.keys(fields).join('、')}`, stage ? { stage } : undefined);
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
