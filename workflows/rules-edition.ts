// The edition of the rules a run checks decisions by (domain/payloads.ts
// RULES_EDITION). A run keeps the edition it started under: its recorded
// history then replays on newer code (a decision the run accepted under an
// older edition is not refused on replay for a field the newer one asks for),
// and a base's workflow takes the newer edition at its yearly continue-as-new.
// Each edition after the first is a patch marker recorded in the run's first
// workflow task; a new edition adds its marker at the end of EDITION_PATCHES.
import { patched } from '@temporalio/workflow';
import { RULES_EDITION } from '../domain/payloads';

/** Index i holds the marker of edition i + 2. */
const EDITION_PATCHES = ['rules-edition-2-grave-act-records'] as const;

// An edition in domain/ without its marker here (or the reverse) is a mistake to catch at once.
if (EDITION_PATCHES.length + 1 !== RULES_EDITION) throw new Error(`rules edition ${RULES_EDITION} has no patch marker`);

/** Call once, in the run's first activation (a constructor), and keep the result. */
export function rulesEditionOfRun(): number {
  let edition = 1;
  // Every marker is asked for, in order, so a new run records all of them.
  for (const [i, id] of EDITION_PATCHES.entries()) if (patched(id)) edition = i + 2;
  return edition;
}
