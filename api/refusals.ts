// Refused Updates (workflows/messages.ts RefusalType) as the HTTP errors of
// the OpenAPI document (GET /api/openapi.json, api/openapi.ts): 403 wrong role or region, 409 wrong stage or window,
// 422 bad payload. Shared by every route that sends an Update.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Problem, Refusal } from '../domain/problems';
import { RefusalType } from '../workflows/messages';
import { conflict, forbidden, unprocessable, type HttpError } from './errors';

/** The problems a 422 refusal carries (workflows attach the domain refusal as the failure's details). */
function problemsOf(failure: ApplicationFailure): Problem[] | undefined {
  const refusal = failure.details?.[0] as { problems?: Problem[] } | undefined;
  return Array.isArray(refusal?.problems) ? refusal.problems : undefined;
}

/** Maps a refused Update to its HTTP error; undefined for anything else. */
export function refusalToHttp(error: unknown): HttpError | undefined {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  switch (cause.type) {
    case RefusalType.forbidden:
      return forbidden(cause.message);
    case RefusalType.conflict:
      // A conflict may name what it concerns (several complaints already concluded, domain/complaints.ts checkDismissal).
      return conflict(cause.message, problemsOf(cause));
    case RefusalType.invalid:
      return unprocessable(cause.message, problemsOf(cause));
    default:
      return undefined;
  }
}

/** A refusal the API finds itself with the domain's rules (before any Update). */
export function domainRefusalToHttp(refusal: Refusal): HttpError {
  switch (refusal.kind) {
    case 'forbidden':
      return forbidden(refusal.zh);
    case 'conflict':
      return conflict(refusal.zh);
    case 'invalid':
      return unprocessable(refusal.zh, refusal.problems);
  }
}
