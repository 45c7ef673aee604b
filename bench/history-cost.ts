// History cost (issue 8.3): how many events an application's workflows write
// on the happy path, with one complaint, and with one escalation; on the
// time-skipping server (notice days pass in moments), real activities.
//
//   npx tsx bench/history-cost.ts            # (also the smoke run: it is small)
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { applicationWorkflow, type ApplicationInput } from '../workflows/application';
import { decideUpdate, type Actor } from '../workflows/messages';
import { fileComplaintUpdate, investigateUpdate } from '../workflows/notice-messages';
import { startStack, type Stack } from './stack';

const DAY = 86_400_000;
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const scores = { '1': 90, '2': 85, '3': 88, '4': 80, '5': 75, '6': 82, '7': 70 };
type Handle = WorkflowHandle<typeof applicationWorkflow>;

async function decide(h: Handle, action: string, actor: Actor, payload: Record<string, unknown> = {}) {
  const decisionId = `h-${randomUUID()}`;
  return h.executeUpdate(decideUpdate, { updateId: decisionId, args: [{ decisionId, action, actor, payload }] });
}

async function untilStage(stack: Stack, id: string, stage: string): Promise<void> {
  for (let n = 0; n < 60; n++) {
    if ((await stack.db.application.findUnique({ where: { id } }))?.stage === stage) return;
    await stack.env.sleep(DAY);
  }
  throw new Error(`${id} did not reach ${stage}`);
}

async function events(stack: Stack, workflowId: string): Promise<number> {
  return (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
}

/** One application from submission to naming; answers events per workflow. */
async function run(stack: Stack, experts: string[], variant: 'happy' | 'complaint' | 'escalation') {
  const id = randomUUID();
  const input: ApplicationInput = {
    applicationId: id, year: 2027, unit: { name: `基准县-${variant}`, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
    applicant: { name: '基准县人民政府', contactEmail: `bench-${variant}@unit.example`, sub: `bench-${variant}` }, materials: [], submittedAt: new Date().toISOString(),
  };
  const h = await stack.env.client.workflow.start(applicationWorkflow, { taskQueue: stack.taskQueue, workflowId: `application-${id}`, args: [input] });
  await untilStage(stack, id, 'prefectureReview');
  // The escalation variant lets the pre-review run 20 days past its due date.
  if (variant === 'escalation') for (let d = 0; d < 35; d++) await stack.env.sleep(DAY);
  await decide(h, 'prefectureAccept', zunyi);
  await decide(h, 'openNotice', zunyi, { workingDays: 5 });
  if (variant === 'complaint') {
    await stack.env.sleep(DAY);
    const notice = stack.env.client.workflow.getHandle(`application-${id}:notice:prefecture`);
    const complaintId = randomUUID();
    await notice.executeUpdate(fileComplaintUpdate, { updateId: complaintId, args: [{ complaintId, complainant: { name: '张某', contact: '13800000000' }, content: '存在违规建设' }] });
    const decisionId = `inv-${randomUUID()}`;
    await notice.executeUpdate(investigateUpdate, { updateId: decisionId, args: [{ decisionId, complaintId, actor: zunyi, outcome: 'untrue', findings: '经核查不属实' }] });
  }
  await untilStage(stack, id, 'prefectureRecommendation');
  await decide(h, 'recommend', zunyi, { governmentConsent: true, opinion: '同意推荐' });
  await decide(h, 'assignExperts', province, { expertIds: experts });
  for (const e of experts) await decide(h, 'reviewOpinion', { sub: e, role: 'expert' }, { criteria: scores, onSite: true, opinion: '同意' });
  await decide(h, 'concludeReview', province, { passed: true });
  await decide(h, 'select', province);
  await decide(h, 'openNotice', province, { workingDays: 7 });
  await untilStage(stack, id, 'naming');
  await decide(h, 'name', province);
  await h.result();
  const application = await events(stack, h.workflowId);
  const prefectureNotice = await events(stack, `${h.workflowId}:notice:prefecture`);
  const provinceNotice = await events(stack, `${h.workflowId}:notice:province`);
  return { variant, application, prefectureNotice, provinceNotice, total: application + prefectureNotice + provinceNotice };
}

const stack = await startStack({ server: 'timeSkipping' });
try {
  const experts = [];
  for (const [name, prefecture] of [['王专家', '520100'], ['李专家', '522600'], ['张专家', '520500']] as const) {
    experts.push((await stack.db.expert.create({ data: { name, email: `${name}@experts.example`, prefecture } })).id);
  }
  const rows = [];
  for (const variant of ['happy', 'complaint', 'escalation'] as const) rows.push(await run(stack, experts, variant));
  console.log('| application run | application events | prefecture notice | province notice | total |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.variant} | ${r.application} | ${r.prefectureNotice} | ${r.provinceNotice} | ${r.total} |`);
  console.log(JSON.stringify({ bench: 'history-cost', rows }));
} finally {
  await stack.stop();
}
