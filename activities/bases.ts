// Side effects of the base workflow (workflows/base.ts): the Base row the API
// lists, written once when the base is named. Its status, summaries and
// indicator data change through activities/record-act.ts.
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
  };
}
