// What a grave act (naming, warning, revocation) must rest on since the
// rules' second edition (domain/grave-acts.ts): the deliberation and, for an
// Art. 24 ground, its evidence. Workflow tests use file ids as they are (the
// workflow does not look files up); HTTP tests upload real files as a
// province officer first, as the API checks who uploaded them.
import { sanctionGround } from '../../domain/sanctions';
import { pdf } from './documents';

/** A date in the past whatever day the tests run (deliberations and evidence are not dated ahead). */
const PAST = '2026-01-05';

export function deliberation(minutesFileId = 'minutes-file-1') {
  return { deliberationBody: '厅务会', deliberationDate: PAST, minutesFileId };
}

/** The evidence an Art. 24 ground names (none for ground 6: on record). */
export function evidence(ground: number, fileIds: string[] = ['evidence-file-1', 'evidence-file-2']) {
  const info = sanctionGround(ground);
  if (!info || info.evidence === 'onRecord') return {};
  return { evidenceTitle: `${info.evidence.titleZh}（测试）`, evidenceDate: PAST, evidenceFileIds: fileIds.slice(0, Math.max(1, info.evidence.minFiles)) };
}

/** Everything a warning or revocation on `ground` carries beyond the ground itself, for a workflow-level test. */
export function graveRecords(ground?: number) {
  return { ...deliberation(), ...(ground !== undefined ? evidence(ground) : {}) };
}

/** Uploads a small PDF with this bearer token (POST /api/files); its fileId. */
export async function uploadPdf(baseUrl: string, token: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([pdf(`${name} ${Math.random()}`)], { type: 'application/pdf' }), `${name}.pdf`);
  const res = await fetch(`${baseUrl}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { fileId?: string };
  if (res.status !== 201 || !body.fileId) throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(body)}`);
  return body.fileId;
}

/** The same records with real files uploaded by a province officer (its token), for an HTTP test. */
export async function uploadedGraveRecords(baseUrl: string, provinceToken: string, ground?: number) {
  const minutes = await uploadPdf(baseUrl, provinceToken, '厅务会审议纪要');
  const files = ground !== undefined && ground !== 6 ? [await uploadPdf(baseUrl, provinceToken, '依据文件一'), await uploadPdf(baseUrl, provinceToken, '依据文件二')] : [];
  return { ...deliberation(minutes), ...(ground !== undefined ? evidence(ground, files) : {}) };
}
