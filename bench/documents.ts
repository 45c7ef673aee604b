// Generating the documents (issue 17.3): each document's layout built from
// its record (domain/documents.ts) and rendered as PDF and as Word
// (infra/documents), timed over repeated runs in one process: median and max,
// and the first run apart (it reads the 20 MB of fonts and warms the
// libraries). No database: what the API reads for a document is a handful of
// rows by key; this is the rest of a download's time, and its CPU.
//
//   npx tsx bench/documents.ts            # 20 runs per document and format
//   npx tsx bench/documents.ts --smoke    # 3 runs: checks that it runs (a few seconds)
import { announcementDocument, evaluationReportDocument, namingDocument, type DocumentModel } from '../domain/documents';
import { evaluateLsIndex, type YearData } from '../domain/ls-index/evaluate';
import { PREFECTURES } from '../domain/prefectures';
import { renderDocument, type DocumentFormat } from '../infra/documents';

const smoke = process.argv.includes('--smoke');
const RUNS = smoke ? 3 : 20;

/** A full term: the naming year and three more, every indicator reported each year. */
function termData(): { years: number[]; data: Record<string, YearData> } {
  const years = [2027, 2028, 2029, 2030];
  const data: Record<string, YearData> = {};
  years.forEach((year, i) => {
    data[String(year)] = {
      values: {
        '1': 0.9 + i * 0.01, '2': 1, '3': 0.8 + i * 0.03, '4': 0.7 + i * 0.01, '5': 0.96, '6': 0.97, '7': 0.61 + i * 0.01, '8': 120 + i * 3, '9': { redLine: 300, protectedArea: 120 + i },
        '10': 800 + i * 40, '11': 0.1 + i * 0.01, '12': 0.2 + i * 0.01, '13': 0.3, '14': 0.4 + i * 0.02, '15': 0.05, '16': true, '17': 0.97, '18': true, '19': i > 1, '20': 0.032,
      },
      provincialAverages: { '1': 0.9 },
    };
  });
  return { years, data };
}

const DOCUMENTS: Array<{ name: string; build: () => DocumentModel }> = [
  {
    name: '公示公告（一个单元）',
    build: () => announcementDocument({
      notice: { level: 'prefecture', prefecture: '520300', workingDays: 5, opensAt: '2027-03-08T01:00:00Z', closesAt: '2027-03-12T16:00:00Z', provisional: false },
      units: [{ name: '赤水市', type: 'county', prefectures: ['520300'], year: 2027 }],
      office: { name: '遵义市生态环境局', contactPhone: '0851-28221234', contactAddress: '遵义市汇川区', contactEmail: 'lsjd@zunyi.example' },
    }),
  },
  {
    name: '后评估报告（4个年度，17张图）',
    build: () => {
      const { years, data } = termData();
      const evaluation = evaluateLsIndex({ baselineYear: 2027, years, data, terrain: 'mountain' });
      return evaluationReportDocument({
        base: { unitName: '赤水市', unitType: 'county', prefectures: ['520300'], namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31', termNo: 1, terrain: 'mountain' },
        years, data, evaluation, conclusion: { outcome: 'pass', reason: '建设成效明显', at: '2030-04-01T02:00:00Z' }, generatedAt: '2030-04-02T02:00:00Z',
      });
    },
  },
  {
    name: '命名名单（30个基地）',
    build: () => namingDocument({
      year: 2027,
      bases: Array.from({ length: 30 }, (_, i) => ({ unitName: `第${i + 1}号示范县`, unitType: 'county', prefectures: [PREFECTURES[i % PREFECTURES.length]!.code], namedOn: `2027-0${6 + (i % 3)}-01` })),
    }),
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (n: number) => n.toFixed(1);

const rows: Array<{ document: string; format: DocumentFormat; firstMs: number; medianMs: number; maxMs: number; bytes: number; cpuMsPerDoc: number }> = [];
for (const doc of DOCUMENTS) {
  for (const format of ['pdf', 'docx'] as const) {
    const times: number[] = [];
    let bytes = 0;
    let first = 0;
    const cpuBefore = process.cpuUsage();
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      const rendered = await renderDocument(doc.build(), format);
      const elapsed = performance.now() - started;
      bytes = rendered.bytes.length;
      if (run === 0) first = elapsed;
      else times.push(elapsed);
    }
    const cpu = process.cpuUsage(cpuBefore);
    rows.push({ document: doc.name, format, firstMs: first, medianMs: median(times), maxMs: Math.max(...times), bytes, cpuMsPerDoc: (cpu.user + cpu.system) / 1000 / (RUNS + 1) });
  }
}

console.log(`\n${smoke ? '(smoke) ' : ''}${RUNS} runs each after the first, one process\n`);
console.log('| document | format | first run | median | max | size | CPU per document |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.document} | ${r.format.toUpperCase()} | ${ms(r.firstMs)} ms | ${ms(r.medianMs)} ms | ${ms(r.maxMs)} ms | ${Math.round(r.bytes / 1024)} KiB | ${ms(r.cpuMsPerDoc)} ms |`);
console.log(JSON.stringify({ bench: 'documents', smoke, runs: RUNS, rows }));
