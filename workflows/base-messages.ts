// Messages of the base workflow (workflows/base.ts), shared with the API.
// Decisions use the same `decide` Update as applications (messages.ts).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TitleTerm } from '../domain/deadlines';
import type { BaseStatus } from '../domain/stages';
import type { Actor, DecisionResult, OpenTaskView } from './messages';

export interface BaseInput {
  baseId: string;
  unit: { name: string; type: string; prefectures: string[] };
  applicant: { name: string; contactEmail: string; sub: string };
  /** CST date of the naming (Art. 16). */
  namedOn: string;
  /** Working days per step before escalation [interpretation: 10]. */
  stepWorkingDays?: number;
  /** State handed over by continue-as-new; absent in the first run. */
  carry?: BaseCarry;
}

export interface Rectification {
  requirements: string | string[];
  /** CST date; the rectification closes at 24:00 of that day. */
  deadline: string;
  reportedAt: string | null;
  report?: string | null;
  reportFileId?: string | null;
  /** Its child workflow (workflows/rectification.ts), once started. */
  workflowId?: string | null;
  /** The base has told the child how it ended. */
  closed?: boolean;
}

/** Everything a run hands to the next: JSON only, bounded. */
export interface BaseCarry {
  status: BaseStatus;
  term: TitleTerm;
  termNo: number;
  statusBeforeRectification: BaseStatus | null;
  lastEvaluationOutcome: 'pass' | 'rectify' | 'sanction' | null;
  /** termNo whose post-evaluation has a conclusion. */
  evaluatedTermNo: number | null;
  postEvaluationHeld: boolean;
  rectificationFailed: boolean;
  /** The verification that found the rectification not completed: the evidence on record for Art. 24 ground 6. Absent in runs before it was kept. */
  failedVerification?: { decisionId: string; at: string } | null;
  rectification: Rectification | null;
  /** Rectifications started so far: numbers their child workflows. */
  rectificationsStarted?: number;
  /** Years whose annual summary is in (a first version at least). */
  summaries: number[];
  /**
   * The current version of each year's summary submitted since versions were
   * kept (a year in `summaries` without an entry has its version 1 in):
   * the next correction's number, and the id that answers a retry.
   */
  summaryVersions?: SummaryVersion[];
  nationalRecommended: boolean;
  endReason: string | null;
  /** The latest decisions applied (by decisionId), so a retry after continue-as-new answers the same. */
  applied: DecisionResult[];
  /** Runs so far, for the record. */
  run: number;
  /** Status writes so far: the Base row keeps the latest (activities/record-act.ts). Absent before it was counted. */
  revision?: number;
}

/** The current version of a year's annual summary, as the run knows it. */
export interface SummaryVersion {
  year: number;
  version: number;
  submissionId: string;
  late: boolean;
}

/** A version of a year's annual summary (Art. 18): the first, or a correction before the due date. */
export interface SummarySubmission {
  /**
   * Client-supplied, the Update id and the audit entry's id: a retried
   * submission is recorded once, a new id for a year already in is a
   * correction. Required by the validator; absent only in Updates accepted
   * before versions (recorded histories).
   */
  submissionId?: string;
  year: number;
  fileId: string;
  summary: string;
  actor: Actor;
}

export interface RectificationReport {
  /** Client-supplied, the Update id and the audit entry's id: a retried report is recorded once. */
  reportId: string;
  report: string;
  fileId?: string | null;
  actor: Actor;
}

/** A year of 两山指数 indicator data (Art. 22), checked by the API against domain/ls-index before it is sent. */
export interface IndicatorDataSubmission {
  /** Client-supplied, the Update id and the audit entry's id: a retried upload is recorded once. */
  submissionId: string;
  year: number;
  values: Record<string, unknown>;
  provincialAverages?: Record<string, unknown>;
  /** The unit's terrain (domain/ls-index Terrain), given when none is on record: indicator 7's target depends on it. */
  terrain?: string;
  /** The term's evaluation with this year, as the API computed it (stored beside the values). */
  evaluation: unknown;
  actor: Actor;
}

export interface BaseState extends Omit<BaseCarry, 'applied'> {
  baseId: string;
  postEvaluationOpen: boolean;
  openTasks: OpenTaskView[];
  decisions: DecisionResult[];
}

/** The answer to a summary: its year, whether it came after the due date, and its version (1 first, then corrections). */
export interface SummaryResult {
  year: number;
  late: boolean;
  version: number;
}

export const submitSummaryUpdate = defineUpdate<SummaryResult, [SummarySubmission]>('submitSummary');
export const reportRectificationUpdate = defineUpdate<{ reportedAt: string }, [RectificationReport]>('reportRectification');
export const submitIndicatorDataUpdate = defineUpdate<{ year: number }, [IndicatorDataSubmission]>('submitIndicatorData');
export const baseStateQuery = defineQuery<BaseState>('baseState');
/**
 * Wakes the run so that it sees a newer current release and continues as new
 * onto it (workflows/base.ts runEnds): `npm run deployment -- drain-bases`.
 * It changes nothing else; a run on an unversioned worker just wakes.
 */
export const moveToCurrentReleaseSignal = defineSignal('moveToCurrentRelease');
