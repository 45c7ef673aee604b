// docs/RULES.md, rendered from the tables themselves so that the docs cannot
// drift from the code: scripts/rules-docs.ts writes it, and a test fails
// when the file differs from what this renders.
import { DEFAULT_SCHEDULE_YEARS } from './calendar-defaults';
import { DEFAULT_REMIND_WORKING_DAYS_BEFORE, DEFAULT_STEP_WORKING_DAYS } from './deadlines';
import { GOALS, INDICATORS, RULE_TYPES, TASKS } from './ls-index/catalogue';
import { CONDITIONS, MATERIAL_CHECKLIST, PLAN_CHAPTERS, PLAN_ISSUERS, TERRAINS, UNIT_TYPES } from './materials';
import { COMPLAINT_DIGEST_WINDOW_MS, MAX_DISMISSAL_COMPLAINTS } from './complaints';
import { ACTION_ALIASES, ACTION_ZH, actionZh, INVESTIGATION_OUTCOME_ZH, MAIL_TEMPLATE_ZH, STEP_PATTERNS, stepZh } from './names';
import { INVESTIGATION_OUTCOMES, MAX_NOTICE_WORKING_DAYS, MIN_NOTICE_WORKING_DAYS } from './notice';
import { fieldSignature } from './payloads';
import { PREFECTURES } from './prefectures';
import { HTTP_STATUS_OF_REFUSAL } from './problems';
import { ROLES } from './roles';
import { SANCTION_GROUNDS } from './sanctions';
import { SCOPE_ZH } from './scope';
import { APPLICATION_STAGES, BASE_STATUSES } from './stages';
import { APPLICATION_TRANSITIONS, AUTOMATIC_TRANSITIONS, BASE_TRANSITIONS, REVIEW_CRITERIA, STAGE_ASSIGNEE, type TransitionRule } from './transitions';

const cell = (s: string | number | boolean) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: readonly string[], rows: readonly (readonly (string | number | boolean)[])[]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function transitionRows(rules: readonly TransitionRule<string, never>[]) {
  return rules.map((r) => [
    `\`${r.action}\``,
    r.from.map((s) => `\`${s}\``).join(' '),
    r.to.map((s) => `\`${s}\``).join(' '),
    `\`${r.role}\` (${SCOPE_ZH[r.scope]})`,
    r.payload.length ? r.payload.map((f) => `\`${fieldSignature(f)}\``).join('<br>') : '—',
    { always: '必填', never: '可选', whenNegative: '否定时必填' }[r.reasonRequired],
    [r.docZh ? `${r.zh}：${r.docZh}` : r.zh, r.guardZh ? `条件：${r.guardZh}` : '', r.toZh ? `去向：${r.toZh}` : ''].filter(Boolean).join('<br>'),
    r.article,
  ]);
}

/** The whole of docs/RULES.md. */
export function renderRulesDoc(): string {
  const parts: string[] = [];
  parts.push(`# Rules of the regulation (generated)

Generated from \`domain/\` by \`npx tsx scripts/rules-docs.ts\`; \`test/domain/rules-doc.test.ts\` fails when
this file differs from what the code renders. Do not edit by hand. Articles (cited in Chinese, 第N条, in the tables; Art. N in English text) are those of
《贵州省“绿水青山就是金山银山”实践创新基地建设管理规程（试行）》 (the regulation), with its two appendices: the
outline of the implementation plan (建设实施方案编制大纲, Art. 8) and the indicator system “两山指数”评估指标体系 (Art. 22).
Where the regulation is silent, the rule is ours: marked [interpretation] (in Chinese text: （解释）) and configurable.
Every Chinese name below comes from \`domain/names.ts\`.`);

  parts.push(`## Refusals

Every refused decision carries a kind, a code and a reason in Chinese and English. Checks run in this order:
role and region (403), then stage or state (409), then payload (422).

${table(['kind', 'HTTP', 'when'], [
    ['forbidden', HTTP_STATUS_OF_REFUSAL.forbidden, '角色不对，或不在管辖范围（市（州）、本单位、指派的专家；应回避的专家本人提交评审意见）'],
    ['conflict', HTTP_STATUS_OF_REFUSAL.conflict, '当前阶段或状态不允许，公示或受理期未开始或已结束'],
    ['invalid', HTTP_STATUS_OF_REFUSAL.invalid, '提交内容有误：缺字段、取值超范围、缺材料、指标数值有误、缺审议或依据、引用的文件不存在或不是本单位上传的；指派应回避的专家'],
  ])}

Recusal (Art. 26, as this system reads it: experts are compared with the unit by region, domain/regions.ts) is
refused two ways: assigning a recused expert is a payload that does not fit (422, naming \`expertIds\`); a recused
expert who is nevertheless assigned and acts is outside their scope (403). A request body with a field the
action does not take is refused before any of these (400, naming the field).`);

  parts.push(`## Roles and scope

${table(['role', '名称', '范围', '可以'], ROLES.map((r) => [`\`${r.role}\``, r.zh, r.scopeZh, r.mayZh]))}

Visibility: the province and ops see everything (ops read-only); a prefecture officer sees what lies in its
prefecture (each prefecture of a cross-prefecture unit; when such a unit applies through one of its prefectures,
\`submitVia\` of the submission, only that one takes the prefecture steps, Art. 11); an applicant sees its own; an expert sees only the
applications assigned to it, never one from its own prefecture (Art. 26, conflict of interest [interpretation]);
the public sees only active notices. Every decision is recorded in the audit log with who took it, in which role, when,
what and the stated reason, and so are refused attempts (Art. 26's integrity rule [interpretation]).

Prefectures: ${PREFECTURES.map((p) => `${p.code} ${p.zh}`).join('，')}.`);

  parts.push(`## Application stages

${table(['stage', '阶段', '办理人', '终态', '依据'], APPLICATION_STAGES.map((s) => [`\`${s.stage}\``, s.zh, STAGE_ASSIGNEE[s.stage] ? `\`${STAGE_ASSIGNEE[s.stage]}\`` : '—', s.terminal ? '是' : '', s.article]))}

### Decisions on an application

${table(['action', 'from', 'to', 'who', 'payload', 'reason', 'rule', '依据'], transitionRows(APPLICATION_TRANSITIONS as unknown as TransitionRule<string, never>[]))}

Any other combination is refused: a terminal stage or a stage not listed (409), another role or region (403),
a payload that does not match (422).

### Moves made by the workflow

${table(['subject', 'from', 'to', 'when', '依据'], AUTOMATIC_TRANSITIONS.map((t) => [t.subject, t.from.length ? t.from.join(' / ') : (t.subject === 'application' ? '（提交）' : '（命名）'), `\`${t.to}\``, t.whenZh, t.article]))}

Review criteria (Art. 14), each scored 0–100 by each expert: ${REVIEW_CRITERIA.map((c) => `${c.key}. ${c.zh}`).join('；')}.

Complaint investigation outcomes (Art. 16): ${INVESTIGATION_OUTCOMES.map((o) => `\`${o.outcome}\` ${o.zh}${o.clears ? '' : '（终止申报）'}`).join('，')}.
On a province notice the province may instead delegate the investigation to one of the unit's prefectures (Art. 15).
The office in charge may also dismiss several complaints at once with one reason (\`POST /api/notices/:id/complaints/dismissals\`, outcome \`dismissed\` ${INVESTIGATION_OUTCOME_ZH.dismissed}, at most ${MAX_DISMISSAL_COMPLAINTS} a request, all or nothing; each recorded as \`dismissComplaint\`): a dismissed complaint settles like an untrue one and never stops the notice [interpretation].
New complaints reach the office in one mail per ${COMPLAINT_DIGEST_WINDOW_MS / 60_000}-minute window (\`complaintDigest\`), each with its own investigation task [interpretation].`);

  parts.push(`## Base statuses

${table(['status', '状态', '终态', '依据'], BASE_STATUSES.map((s) => [`\`${s.status}\``, s.zh, s.terminal ? '是' : '', s.article]))}

### Decisions on a base

${table(['action', 'from', 'to', 'who', 'payload', 'reason', 'rule', '依据'], transitionRows(BASE_TRANSITIONS as unknown as TransitionRule<string, never>[]))}`);

  const transitionActions = new Set<string>([...APPLICATION_TRANSITIONS, ...BASE_TRANSITIONS].map((r) => r.action));
  parts.push(`## Tasks and other recorded acts

Task steps (what a person's open task is called, in the task list and the mails):

${table(['pattern', 'step', '名称'], STEP_PATTERNS.flatMap((p) => p.examples.map((e) => [`\`${p.pattern}\``, `\`${e}\``, stepZh(e)])))}

Acts recorded in the audit log besides the decisions above (applied, or refused and recorded as attempts):

${table(['action', '名称'], [
    ...Object.keys(ACTION_ZH).filter((a) => !transitionActions.has(a)).map((a) => [`\`${a}\``, actionZh(a)]),
    ...Object.entries(ACTION_ALIASES).map(([a, same]) => [`\`${a}\` (= \`${same}\`)`, actionZh(a)]),
  ])}

Mails: ${Object.entries(MAIL_TEMPLATE_ZH).map(([t, zh]) => `\`${t}\` ${zh}`).join('，')}.`);

  parts.push(`## Sanction grounds (Art. 24)

${table(['ground', '情形', 'requires', 'system precondition'], SANCTION_GROUNDS.map((g) => [g.ground, g.zh, g.requiresZh, g.precondition ?? '—']))}`);

  parts.push(`## Calendar and deadlines

All in China Standard Time (UTC+8) whatever the server's time zone.

${table(['rule', 'value', '依据'], [
    ['Working day', '周一至周五，除法定节假日；加上调休上班的周六、周日', 'State Council schedule'],
    ['Default schedule data', `npm chinese-days, years ${DEFAULT_SCHEDULE_YEARS[0]}–${DEFAULT_SCHEDULE_YEARS[DEFAULT_SCHEDULE_YEARS.length - 1]}; ops may replace a year (PUT /api/ops/calendar/:year)`, ''],
    ['Year without a schedule', 'weekends only, flagged provisional; recomputed when the schedule is added', 'ours'],
    ['Notice length', `at least ${MIN_NOTICE_WORKING_DAYS} working days (at most ${MAX_NOTICE_WORKING_DAYS} [interpretation])`, '第十条、第十五条'],
    ['Notice counting', '[interpretation] published on a working day → day 1; else day 1 is the next working day; closes 24:00 CST at the end of the last working day', '第十条、第十五条'],
    ['Step due date', `[interpretation] ${DEFAULT_STEP_WORKING_DAYS} working days (configurable): day 1 is the working day after the step opens; due 24:00 CST; reminder 09:00 CST ${DEFAULT_REMIND_WORKING_DAYS_BEFORE} working days before`, 'ours'],
    ['Acceptance window', '1 January 00:00 – 30 June 24:00 CST, for that year; refusals name the next window; reminders at opening and 30 and 7 days before 30 June [interpretation]', '第十一条'],
    ['Title term', '3 years: valid through the day before the third anniversary [interpretation] (named 29 Feb → ends 28 Feb)', '第十六条'],
    ['Post-evaluation', 'when the title reaches 3 years (the third anniversary)', '第二十二条'],
    ['Annual summary', '[interpretation] for each calendar year of the title; year Y due 31 January Y+1 (24:00 CST); reminders 30 and 7 days before', '第十八条'],
    ['Annual summary years', 'the naming year to the current CST year (the current one before it ends)', '第十八条'],
    ['Summary correction', 'each submission of a year already in is a new version (the latest current, every version kept) until 31 January Y+1 24:00 CST; after it 409 (a first submission after it is taken, late)', '第十八条'],
    ['Indicator data years', 'only years that have ended (CST): the naming year to last year; the current year is refused (422 `year`)', '第二十二条'],
  ])}`);

  parts.push(`## Application materials (Art. 7, 8, 12)

${table(['key', 'material', 'fields', '依据'], MATERIAL_CHECKLIST.map((m) => [`\`${m.key}\``, m.zh, m.needs, m.article]))}

Conditions of Art. 7: ${CONDITIONS.map((c) => c.zh).join('；')}.

Plan chapters (outline): ${PLAN_CHAPTERS.map((c) => `\`${c.key}\` ${c.zh}`).join('，')}.

Plan issuers (Art. 8, 县级以上地方政府): ${PLAN_ISSUERS.map((i) => `\`${i.issuedBy}\` ${i.zh}`).join('，')}.

Unit types (Art. 4): ${UNIT_TYPES.map((t) => `\`${t.type}\` ${t.zh}`).join('，')}. Terrains (indicator 7): ${TERRAINS.map((t) => `\`${t.terrain}\` ${t.zh}`).join('，')}.`);

  parts.push(`## 两山指数

Goals: ${GOALS.map((g) => `\`${g.goal}\` ${g.zh}`).join('，')}. Tasks: ${TASKS.map((t) => `\`${t.task}\` ${t.zh}`).join('，')}.

${table(['#', '指标', 'goal', 'task', 'value', 'unit', '目标参考值', 'rule'], INDICATORS.map((i) => [i.id, i.zh, i.goal, i.task, i.valueKind, i.unit, i.targetZh, `\`${JSON.stringify(i.rule)}\``]))}

### Target rule types

${table(['type', 'meaning', 'values'], RULE_TYPES.map((r) => [`\`${r.type}\``, r.zh, r.valueKinds.join(', ')]))}

Each indicator is met, not met or no data (missing data is never met). Threshold rules are judged on the last
evaluation year by default (option: every year) [interpretation]. Custom indicators (自行探索指标) carry their
own rule; plan targets (建设指标) are judged in addition to the reference target, so they can only be stricter.
Scores [interpretation, ours]: task = weighted share of its indicators met; goal = weighted mean of its tasks;
overall = weighted mean of the goals; equal weights unless configured.`);

  return `${parts.join('\n\n')}\n`;
}
