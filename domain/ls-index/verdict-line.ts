// The verdicts of one evaluation as one short text, a character per
// catalogue indicator in catalogue order (1 to 20): `M` met, `N` not met,
// `-` no data. Stored beside the evaluation (BaseIndicatorData.verdicts) so
// the dashboard's heat table counts verdicts over 10,000 bases with
// substr() instead of unpacking every stored evaluation's JSON
// (api/dashboard-queries.ts heat; bench/README.md "Dashboard queries"). The
// verdicts themselves are the ones domain/ls-index/evaluate.ts gave when the
// data was recorded; this only encodes them.
import { INDICATORS } from './catalogue';
import type { IndicatorOutcome } from './evaluate';

const CODE: Readonly<Record<IndicatorOutcome, string>> = { met: 'M', notMet: 'N', noData: '-' };

/** A catalogue indicator's 1-based position in the line (its id). */
export function verdictPosition(indicatorId: string): number {
  const i = INDICATORS.findIndex((d) => d.id === indicatorId);
  if (i < 0) throw new Error(`unknown catalogue indicator ${indicatorId}`);
  return i + 1;
}

/** The line for a stored evaluation (`{ indicators: [{ id, result, custom }] }`); null when it carries no indicators. */
export function verdictLine(evaluation: unknown): string | null {
  const indicators = (evaluation as { indicators?: unknown } | null)?.indicators;
  if (!Array.isArray(indicators)) return null;
  const byId = new Map<string, string>();
  for (const i of indicators as Array<{ id?: unknown; result?: unknown; custom?: unknown }>) {
    if (i.custom === true || typeof i.id !== 'string') continue;
    byId.set(i.id, CODE[i.result as IndicatorOutcome] ?? '-');
  }
  return INDICATORS.map((d) => byId.get(d.id) ?? '-').join('');
}
