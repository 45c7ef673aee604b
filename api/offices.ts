// The office directory (办公室名录, domain/offices.ts): the province, the
// prefectures (and counties where used) as offices, each with its name, the
// mailbox the system writes to and the public contact printed on notices.
//
// Who may do what:
// - the province and ops read every office and set any of them (name,
//   mailbox, contact): the province owns the directory, ops keep it running;
// - a prefecture office reads its own office and its counties', and may set
//   only its own office's public contact (phone, address, email for
//   objections): it knows them best, and they change nothing about where the
//   system's mails go. Its name and mailbox stay with the province and ops,
//   since a wrong mailbox would divert official mails.
// A change is an act of record (activities/record-act.ts): its audit entry and
// the row written together. The same content again records nothing; with a
// client `requestId` a retried request is applied once.
import { Router } from 'express';
import { z } from 'zod';
import { recordAct } from '../activities/record-act';
import { ACT_FIELD_ZH } from '../domain/names';
import { OFFICE_FIELD_ZH, officeNameFor, officeRegionProblem, officesWithoutMailbox, validateOfficeFields, type OfficeFields } from '../domain/offices';
import { PREFECTURE_CODES } from '../domain/prefectures';
import { PROVINCE_CODE, regionContains, regionPathZh } from '../domain/regions';
import type { Db } from '../infra/database';
import type { Actor } from '../workflows/messages';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { forbidden, notFound, unprocessable } from './errors';
import { route } from './openapi';
import { decisionIdSchema, parseBody, withFieldNames } from './validation';

/** The offices the system writes to by role: the province's and each prefecture's (counties only where used). */
export const REQUIRED_OFFICES: readonly string[] = [PROVINCE_CODE, ...PREFECTURE_CODES];

const optionalText = (max: number) => z.string().max(max).nullable().optional();

/** Fields left out stay as they are; null or "" clears one (not the name). What they may hold is the domain's check (422 naming the field). */
export const officeBodySchema = withFieldNames(z.strictObject({
  name: z.string().max(200).optional(),
  email: optionalText(300),
  contactPhone: optionalText(100),
  contactAddress: optionalText(300),
  contactEmail: optionalText(300),
  /** The client's id of this change: the same requestId again records nothing. */
  requestId: decisionIdSchema.optional(),
  /** Why (the audit entry's reason). */
  reason: z.string().trim().min(1).max(5000).optional(),
}), { ...OFFICE_FIELD_ZH, ...ACT_FIELD_ZH });

const CONTACT_FIELDS = ['contactPhone', 'contactAddress', 'contactEmail'] as const;
const FIELDS = ['name', 'email', ...CONTACT_FIELDS] as const;

const officeView = z.looseObject({
  region: z.string(), regionZh: z.string(), name: z.string(), email: z.string().nullable(), hasMailbox: z.boolean(),
  contactPhone: z.string().nullable(), contactAddress: z.string().nullable(), contactEmail: z.string().nullable(),
  recorded: z.boolean(), updatedAt: z.string().nullable(),
});

type OfficeRecord = OfficeFields & { region: string; updatedAt: Date };

function view(region: string, o: OfficeRecord | undefined) {
  return {
    region,
    regionZh: regionPathZh(region),
    name: o?.name ?? officeNameFor(region),
    email: o?.email ?? null,
    hasMailbox: !!o?.email,
    contactPhone: o?.contactPhone ?? null,
    contactAddress: o?.contactAddress ?? null,
    contactEmail: o?.contactEmail ?? null,
    /** False for a required office not in the directory at all (shown with its default name). */
    recorded: !!o,
    updatedAt: o?.updatedAt.toISOString() ?? null,
  };
}

/** Which offices this actor reads: all for the province and ops, its own prefecture's (and its counties') for a prefecture office. */
const reads = (actor: Actor, region: string) => actor.role !== 'prefectureOfficer' || (!!actor.prefecture && regionContains(actor.prefecture, region));

/** The offices that must have a mailbox and have none (the readiness details and the ops view name them). */
export async function missingMailboxes(db: Db): Promise<Array<{ region: string; name: string }>> {
  const rows = await db.office.findMany({ where: { region: { in: [...REQUIRED_OFFICES] } }, select: { region: true, name: true, email: true } });
  return officesWithoutMailbox(rows, REQUIRED_OFFICES);
}

export function officesRouter(deps: { db: Db }): Router {
  const router = Router();

  route(router, {
    method: 'get', path: '/offices', summary: 'The office directory: names, mailboxes and notice contacts (the province, the prefectures, counties where used)', auth: 'bearer',
    roles: ['provinceOfficer', 'ops', 'prefectureOfficer'], errors: [403],
    responses: { 200: { description: 'every office the caller may read; the province and each prefecture always listed, hasMailbox false when mails to it cannot go', schema: z.looseObject({ offices: z.array(officeView) }) } },
  }, async (req, res) => {
    const actor = req.actor!;
    const rows = await deps.db.office.findMany({ orderBy: { region: 'asc' } });
    const byRegion = new Map(rows.map((r) => [r.region, r]));
    const regions = [...new Set([...REQUIRED_OFFICES, ...rows.map((r) => r.region)])].sort();
    res.json({ offices: regions.filter((r) => reads(actor, r)).map((r) => view(r, byRegion.get(r))) });
  });

  route(router, {
    method: 'put', path: '/offices/:region', auth: 'bearer', roles: ['provinceOfficer', 'ops', 'prefectureOfficer'], body: officeBodySchema, errors: [403, 404, 422],
    summary: "Set an office's name, mailbox or notice contact (fields left out stay); a prefecture office sets only its own contact. The same content again records nothing",
    responses: { 200: { description: 'the office as stored', schema: officeView } },
  }, async (req, res) => {
    const actor = req.actor!;
    const region = String(req.params.region);
    attempt(req, { subjectType: 'office', subjectId: region.slice(0, 20), action: 'setOffice' });
    const body = parseBody(officeBodySchema, req.body);
    if (body.requestId) attempt(req, { decisionId: body.requestId });
    const regionProblem = officeRegionProblem(region);
    if (regionProblem) throw notFound(regionProblem.zh);
    if (actor.role === 'prefectureOfficer') {
      if (!actor.prefecture || actor.prefecture !== region) throw forbidden('市（州）只能维护本办公室的公示联系方式');
      const others = FIELDS.filter((f) => !(CONTACT_FIELDS as readonly string[]).includes(f) && body[f] !== undefined);
      if (others.length) throw forbidden(`办公室名称和工作邮箱由省生态环境厅或运维人员维护（${others.map((f) => OFFICE_FIELD_ZH[f]).join('、')}）`);
    }
    const current = await deps.db.office.findUnique({ where: { region } });
    // The row as it would be: the body's fields over the stored ones (or the default name for a new office).
    const merged: Record<string, unknown> = { name: current?.name ?? officeNameFor(region), email: current?.email ?? null };
    for (const f of CONTACT_FIELDS) merged[f] = current?.[f] ?? null;
    for (const f of FIELDS) if (body[f] !== undefined) merged[f] = body[f];
    const { fields, problems } = validateOfficeFields(merged);
    if (problems.length) throw unprocessable(problems.map((p) => p.zh).join('；'), problems);
    const update: Partial<OfficeFields> = {};
    for (const f of FIELDS) if (!current || current[f] !== fields[f]) (update as Record<string, unknown>)[f] = fields[f];
    if (current && Object.keys(update).length === 0) {
      res.json(view(region, current));
      return;
    }
    const entry = appliedByApi(actor, { subjectType: 'office', subjectId: region, action: 'officeUpdated', payload: { region, ...update }, reason: body.reason });
    await recordAct(deps.db, {
      audit: body.requestId ? { ...entry, decisionId: `officeUpdated/${region}/${body.requestId}` } : entry,
      changes: [{ kind: 'officeSet', region, create: fields, update, updatedBy: actor.sub }],
    });
    res.json(view(region, (await deps.db.office.findUniqueOrThrow({ where: { region } })) as OfficeRecord));
  });

  return router;
}
