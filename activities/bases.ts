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

/** A version of a year's annual summary (Art. 18): every version is kept, the highest current. */
export interface SummaryRecord {
  baseId: string;
  year: number;
  /** 1 for the year's first submission, +1 per correction; absent in acts recorded before versions (then 1). */
  version?: number;
  /** The client's id of this version (its audit entry's id); absent before versions. */
  submissionId?: string | null;
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
