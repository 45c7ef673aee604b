// `npm run offices:load -- <file.json|file.csv> [--dry-run]`: loads the
// office directory (domain/offices.ts) for a new deployment, or a corrected
// one later. Every row is checked first and every problem reported at once
// (exit 1, nothing written); then each office is written, one act of record
// per office that changes (audit entry and row together, actor
// `offices-load`), so the audit log says who changed which mailbox. Offices
// not in the file are left as they are. Against DATABASE_URL, or the embedded
// default's database (`npm start`) when unset, as `npm run ops`.
//
// JSON: a list of offices, or { "offices": [...] }; CSV: a header row naming
// the columns region,name,email,contactPhone,contactAddress,contactEmail
// (UTF-8, quoted fields may hold commas). An empty email or contact means none.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { recordAct } from '../activities/record-act';
import { OFFICE_FIELDS, validateOfficeDirectory, type OfficeFields } from '../domain/offices';
import { problem } from '../domain/problems';
import { regionPathZh } from '../domain/regions';
import { createDb } from '../infra/database';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { runScript } from './run-script';

const USAGE = `npm run offices:load -- <file.json|file.csv> [--dry-run]

  Checks every row (region: the province 520000, a prefecture or a county of Guizhou;
  name; email; contactPhone; contactAddress; contactEmail), reports every problem at once,
  then writes each office that changes. See deploy/offices.example.json.
  DATABASE_URL, or the embedded default (npm start) when unset.`;

/** RFC 4180 CSV: quoted fields with "" for a quote, commas and line breaks inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function rowsOfCsv(text: string): Array<Record<string, string>> {
  const [header, ...lines] = parseCsv(text);
  if (!header) return [];
  const names = header.map((h) => h.trim());
  return lines.map((cells) => Object.fromEntries(names.map((n, i) => [n, (cells[i] ?? '').trim()])));
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const file = positionals[0];
  if (values.help || !file) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const text = await readFile(file, 'utf8');
  let rows: unknown;
  if (/\.csv$/i.test(file)) rows = rowsOfCsv(text);
  else {
    try {
      const parsed = JSON.parse(text) as unknown;
      rows = Array.isArray(parsed) ? parsed : (parsed as { offices?: unknown } | null)?.offices;
    } catch (error) {
      console.error(`${file}: 不是有效的 JSON（${(error as Error).message}）`);
      return 1;
    }
  }
  const { offices, problems } = validateOfficeDirectory(rows);
  if (offices.length === 0 && problems.length === 0) problems.push(problem('offices', 'empty', '名录中没有任何办公室', 'no office in the file'));
  if (problems.length) {
    console.error(`${file}: ${problems.length} 处问题，未写入任何内容：`);
    for (const p of problems) console.error(`  ${p.field}: ${p.zh}`);
    return 1;
  }
  if (values['dry-run']) {
    console.log(`${file}: ${offices.length} 个办公室，检查通过（--dry-run，未写入）`);
    return 0;
  }

  const db = createDb(databaseUrlOrEmbeddedDefault());
  try {
    let changed = 0;
    for (const office of offices) {
      const { region, ...fields } = office;
      const current = await db.office.findUnique({ where: { region } });
      const update: Partial<OfficeFields> = {};
      for (const f of OFFICE_FIELDS) if (!current || current[f] !== fields[f]) (update as Record<string, unknown>)[f] = fields[f];
      if (current && Object.keys(update).length === 0) continue;
      await recordAct(db, {
        audit: {
          decisionId: `officeUpdated/${randomUUID()}`,
          subjectType: 'office', subjectId: region, applicationId: null, workflowId: null,
          action: 'officeUpdated', actorSub: 'offices-load', actorRole: 'ops', actorPrefecture: null,
          reason: `办公室名录导入（${file.split(/[\\/]/).pop()}）`, payload: { region, ...update },
          outcome: 'applied', resultStage: null, at: new Date().toISOString(),
        },
        changes: [{ kind: 'officeSet', region, create: fields, update, updatedBy: 'offices-load' }],
      });
      changed++;
      console.log(`${region} ${regionPathZh(region)}：${current ? '已更新' : '已添加'}${fields.email ? '' : '（未登记工作邮箱：发往该办公室的邮件将记为无法投递）'}`);
    }
    console.log(`${offices.length} 个办公室，${changed} 个有变化已写入，其余不变`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

runScript('offices:load', main);
