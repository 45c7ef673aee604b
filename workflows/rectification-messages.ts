// Messages between a base (workflows/base.ts) and its rectification
// (workflows/rectification.ts). People never address the rectification
// directly: reports and verifications are Updates of the base, which owns
// the base's status, and the base tells its rectification what happened.
import { defineSignal } from '@temporalio/workflow';

export interface RectificationInput {
  baseId: string;
  /** 1 for a base's first rectification, and so on: names its mails and task. */
  number: number;
  unit: { name: string; prefectures: string[] };
  applicant: { contactEmail: string };
  requirements: string | string[];
  /** CST date; the rectification closes at 24:00 of that day (Art. 23). */
  deadline: string;
  /** Working days per escalation level of the verification task. */
  stepWorkingDays: number;
}

/**
 * How a rectification ended: verified done or not done (which makes Art. 24
 * ground 6 available to the province), replaced by a new one, or the title
 * ended (revoked, expired) while it ran.
 */
export type RectificationOutcome = 'completed' | 'notCompleted' | 'superseded' | 'ended';

/** The base has reported its rectification: the province's verification task opens now. */
export const rectificationReportedSignal = defineSignal<[]>('rectificationReported');

/** The base's decision that ends the rectification; its id closes the verification task. */
export const rectificationClosedSignal = defineSignal<[{ outcome: RectificationOutcome; decisionId: string }]>('rectificationClosed');

export const rectificationWorkflowId = (baseId: string, number: number) => `base-${baseId}-rectification-${number}`;
