// `npm run audit:verify`: walks the audit log of DATABASE_URL (the embedded
// default's database, `npm start`, when unset) by seq,
// recomputes every row's hash from its content and checks that each row
// carries the previous row's hash. Prints the first row that does not
// match and exits 1; exits 0 when the whole chain holds, 2 when it cannot
// run. Read-only.
import { verifyAuditChain } from '../activities/audit';
import { createDb } from '../infra/database';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { runScript } from './run-script';

async function main(): Promise<number> {
  // As `npm run ops`: the embedded default's database (`npm start`) when DATABASE_URL is unset.
  const db = createDb(databaseUrlOrEmbeddedDefault());
  try {
    const check = await verifyAuditChain(db);
    if (check.ok) {
      console.log(`audit log intact: ${check.rows} row${check.rows === 1 ? '' : 's'}${check.lastSeq ? `, last seq ${check.lastSeq}, hash ${check.lastHash}` : ''}`);
      return 0;
    }
    const what =
      check.problem === 'contentChanged'
        ? `its content does not give its stored hash (computed ${check.expected}, stored ${check.found}): the row was modified`
        : `its prevHash ${check.found} is not the previous row's hash ${check.expected}: a row before it was deleted, inserted or re-hashed`;
    console.error(`audit log BROKEN at seq ${check.seq} (row ${check.rows} of the walk): ${what}`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

runScript('audit:verify', main);
