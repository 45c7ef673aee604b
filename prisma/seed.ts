// Seed data: the office directory's province and Guizhou's nine prefectures
// (by administrative division code, domain/regions.ts). Only missing rows are
// created, so addresses corrected by ops are kept.
import type { Db } from '../infra/database';

export const PREFECTURES: ReadonlyArray<{ code: string; name: string }> = [
  { code: '520100', name: '贵阳市' },
  { code: '520200', name: '六盘水市' },
  { code: '520300', name: '遵义市' },
  { code: '520400', name: '安顺市' },
  { code: '520500', name: '毕节市' },
  { code: '520600', name: '铜仁市' },
  { code: '522300', name: '黔西南州' },
  { code: '522600', name: '黔东南州' },
  { code: '522700', name: '黔南州' },
];

/** The province's and prefectures' offices, with example addresses under a domain of the operator's choice (MAILBOX_DOMAIN). */
export function defaultOffices(domain = 'sthj.guizhou.example') {
  return [
    { region: '520000', name: '贵州省生态环境厅', email: `lsjd@${domain}` },
    ...PREFECTURES.map((p) => ({ region: p.code, name: `${p.name}生态环境局`, email: `lsjd-${p.code}@${domain}` })),
  ];
}

export async function seed(db: Db, domain?: string): Promise<void> {
  await db.office.createMany({ data: defaultOffices(domain).map((o) => ({ ...o, updatedBy: 'seed' })), skipDuplicates: true });
}
