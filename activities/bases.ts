// Side effects of the base workflow (workflows/base.ts): the Base row the API
// lists, its annual summaries. Every write is keyed by the base id (and the
// year), so a retried activity, or a run after continue-as-new repeating a
// write, changes nothing twice.
import type { Db } from '../infra/database';

export interface BaseRecord {
  id: string;
  workflowId: string;
  unitName: string;
  unitType: string;
  prefectures: string[];
  applicantSub: string;
  contactEmail: string;
  status: string;
  namedOn: string;
  termStartsOn: string;
  termEndsOn: string;
  termNo: number;
}

export interface BaseStatusChange {
  baseId: string;
  status: string;
  termStartsOn?: string;
  termEndsOn?: string;
  termNo?: number;
  endReason?: string | null;
  nationalRecommended?: boolean;
}

export interface SummaryRecord {
  baseId: string;
  year: number;
  fileId: string;
  summary: string;
  late: boolean;
  submittedBy: string;
  submittedAt: string;
}

export function createBaseActivities(db: Db) {
  return {
    async recordBase(base: BaseRecord): Promise<void> {
      await db.base.upsert({ where: { id: base.id }, create: base, update: {} });
    },

    async setBaseStatus(change: BaseStatusChange): Promise<void> {
      const { baseId, ...data } = change;
      await db.base.update({ where: { id: baseId }, data });
    },

    async recordSummary(s: SummaryRecord): Promise<void> {
      await db.baseSummary.upsert({
        where: { baseId_year: { baseId: s.baseId, year: s.year } },
        create: { id: `${s.baseId}:${s.year}`, ...s, submittedAt: new Date(s.submittedAt) },
        update: {},
      });
    },
  };
}
