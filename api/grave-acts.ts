// The records a base's grave acts rest on (domain/grave-acts.ts): the naming
// (Art. 16) and each warning or revocation (Art. 24), with the deliberation,
// the ground and its evidence, the files by name. Shown on the base's page
// to the province, the prefecture and the county itself: a county sees the
// ground and the evidence it was given, and can contest them.
import { GRAVE_ACTS, isGraveAct, RECORD_FILE_FIELDS } from '../domain/grave-acts';
import { actionZh, groundZh } from '../domain/names';
import { RULES_EDITION, validateFields } from '../domain/payloads';
import type { Problem } from '../domain/problems';
import { ALL_TRANSITIONS } from '../domain/transitions';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { unprocessable } from './errors';
import { checkOfficerFiles } from './files';

export interface GraveActView {
  decisionId: string;
  action: string;
  actionZh: string;
  at: string;
  reason: string | null;
  ground: number | null;
  groundZh: string | null;
  /** Absent for acts recorded before deliberations were asked for. */
  deliberation: { body: string; date: string; minutes: FileRef | null } | null;
  evidence: { title: string | null; date: string | null; files: FileRef[] } | null;
  /** Ground 6: the verification on record that found the rectification not completed. */
  evidenceOnRecord: { verifiedAt: string } | null;
}

export interface FileRef {
  fileId: string;
  name: string;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : text(v) ? [v as string] : []);

/** The naming and the warnings and revocations of one base, oldest first. */
export async function graveActsOf(db: Db, baseId: string): Promise<GraveActView[]> {
  const rows = await db.decision.findMany({
    where: { subjectId: baseId, outcome: 'applied', subjectType: { in: ['application', 'base'] }, action: { in: GRAVE_ACTS } },
    orderBy: { seq: 'asc' },
  });
  const acts = rows.filter((r) => isGraveAct(r.action));
  const payloads = acts.map((r) => (r.payload && typeof r.payload === 'object' ? (r.payload as Record<string, unknown>) : {}));
  const fileIds = [...new Set(payloads.flatMap((p) => [...ids(p.minutesFileId), ...ids(p.evidenceFileIds)]))];
  const files = fileIds.length ? await db.file.findMany({ where: { id: { in: fileIds } }, select: { id: true, originalName: true } }) : [];
  const ref = (id: string): FileRef => ({ fileId: id, name: files.find((f) => f.id === id)?.originalName ?? '（文件已不存在）' });
  return acts.map((r, i) => {
    const p = payloads[i]!;
    const ground = typeof p.ground === 'number' ? p.ground : null;
    const onRecord = p.evidenceOnRecord && typeof p.evidenceOnRecord === 'object' ? (p.evidenceOnRecord as Record<string, unknown>) : null;
    const evidenceFiles = ids(p.evidenceFileIds).map(ref);
    return {
      decisionId: r.decisionId,
      action: r.action,
      actionZh: actionZh(r.action),
      at: r.at.toISOString(),
      reason: r.reason,
      ground,
      groundZh: ground !== null ? groundZh(ground) : null,
      deliberation: text(p.deliberationBody) ? { body: p.deliberationBody as string, date: text(p.deliberationDate) ?? '', minutes: text(p.minutesFileId) ? ref(p.minutesFileId as string) : null } : null,
      evidence: text(p.evidenceTitle) || evidenceFiles.length ? { title: text(p.evidenceTitle), date: text(p.evidenceDate), files: evidenceFiles } : null,
      evidenceOnRecord: onRecord && text(onRecord.verifiedAt) ? { verifiedAt: onRecord.verifiedAt as string } : null,
    };
  });
}

/**
 * A grave act cites files (the minutes, the evidence): each must exist and
 * have been uploaded by the province's own officers (api/files.ts
 * checkOfficerFiles). Checked here because the workflow has no database;
 * only for a province officer, who alone may take these acts, so a caller
 * without the role still learns only that (403) from the workflow.
 */
export async function checkGraveActFiles(db: Db, action: string, payload: Record<string, unknown>, reason: string | undefined, actor: Actor, at: Date): Promise<void> {
  if (!isGraveAct(action) || actor.role !== 'provinceOfficer') return;
  // Fields first: a payload that does not fit its action is refused by the
  // workflow with every field named (422), before anyone looks the files up.
  const rule = ALL_TRANSITIONS.find((r) => r.action === action);
  if (!rule || validateFields(rule.payload, payload).length || rule.payloadProblems?.(payload, at, RULES_EDITION).length) return;
  if (rule.reasonRequired === 'always' && !reason?.trim()) return;
  const problems: Problem[] = [];
  for (const field of RECORD_FILE_FIELDS) {
    const cited = ids(payload[field]);
    const zh = rule.payload.find((f) => f.name === field)?.zh;
    if (cited.length) problems.push(...(await checkOfficerFiles(db, cited, actor, field, zh)));
  }
  if (problems.length) throw unprocessable(problems.map((p) => p.zh).join('；'), problems);
}
