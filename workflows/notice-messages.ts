// The contract of a public notice's child workflow (公示, Art. 10 and 15),
// shared by the application workflow (its parent), the notice workflow and
// the API. A notice runs for its working days, takes complaints while open,
// opens one investigation task per complaint, and ends "clear" when it has
// closed and every complaint was found untrue, without evidence or resolved
// (Art. 16), or "stopped" at the first substantiated complaint.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ComplaintOutcome, InvestigationOutcome } from '../domain/notice';
import type { Actor } from './messages';

export type NoticeLevel = 'prefecture' | 'province';

export interface NoticeInput {
  /** Also the child's workflow id: `<application workflowId>:notice:<level>`. */
  noticeId: string;
  applicationId: string;
  level: NoticeLevel;
  /** The unit's prefecture codes (investigations may be delegated to one). */
  prefectures: string[];
  /**
   * A prefecture notice of a cross-prefecture unit: the prefecture it applied
   * through (Art. 11), which runs the notice and investigates its complaints.
   * Absent: the unit's only prefecture (`prefectures[0]`).
   */
  runningPrefecture?: string;
  unit: { name: string; type: string };
  year: number;
  /** Working days the notice runs, at least 5. */
  workingDays: number;
  /** ISO instant it is published: now, or later to schedule it. */
  publishedAt: string;
  /** Working days an investigation task gets before escalation. */
  stepWorkingDays?: number;
}

export interface NoticeResult {
  outcome: 'clear' | 'stopped';
  /** For "stopped": the substantiated complaint's findings. */
  reason: string | null;
  opensAt: string;
  closesAt: string;
  complaints: number;
}

export interface ComplaintRequest {
  /** Made by the API (a uuid) and used as the Update id: a retried POST files one complaint. */
  complaintId: string;
  complainant: { name: string; contact: string };
  content: string;
}

export interface InvestigationRequest {
  /** Client-supplied, used as the Update id. */
  decisionId: string;
  complaintId: string;
  actor: Actor;
  outcome?: InvestigationOutcome;
  findings?: string;
  /** Province notices only: hand the investigation to a unit's prefecture. */
  delegateTo?: string;
}

/**
 * Several complaints dismissed at once (不予受理, domain/complaints.ts
 * checkDismissal): all of them or, refused, none. Each is recorded as its own
 * `dismissComplaint` act, whose audit id is `dismissalActId(decisionId, complaintId)`.
 */
export interface DismissalRequest {
  /** Client-supplied, used as the Update id: a retried request is applied once. */
  decisionId: string;
  complaintIds: string[];
  reason: string;
  actor: Actor;
}

export interface DismissalResult {
  decisionId: string;
  /** The dismissed complaints, in the request's order. */
  complaints: ComplaintView[];
}

/**
 * The audit entry's id of one complaint's dismissal: the request's id and the
 * complaint's, joined by `/`, which a client's decisionId cannot contain.
 */
export const dismissalActId = (decisionId: string, complaintId: string): string => `${decisionId}/${complaintId}`;

export interface ComplaintView {
  complaintId: string;
  receivedAt: string;
  status: 'open' | 'closed';
  outcome: ComplaintOutcome | null;
  delegatedTo: string | null;
}

export interface NoticeState {
  noticeId: string;
  status: 'scheduled' | 'open' | 'closed';
  opensAt: string;
  closesAt: string;
  provisional: boolean;
  complaints: ComplaintView[];
  outcome: 'clear' | 'stopped' | null;
}

export const fileComplaintUpdate = defineUpdate<{ complaintId: string; receivedAt: string }, [ComplaintRequest]>('fileComplaint');
export const investigateUpdate = defineUpdate<ComplaintView, [InvestigationRequest]>('investigate');
export const dismissComplaintsUpdate = defineUpdate<DismissalResult, [DismissalRequest]>('dismissComplaints');
/** Ops changed the working-day calendar: recompute a provisional closing instant. */
export const calendarChangedSignal = defineSignal('calendarChanged');
export const noticeStateQuery = defineQuery<NoticeState>('noticeState');
