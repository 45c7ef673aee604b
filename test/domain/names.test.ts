// Names once (domain/names.ts): every identifier a person may read (stage,
// base status, task step, audited action, Art. 24 ground, role, mail
// template) has one Chinese name, and no name has a Latin letter in it. The
// source scan below finds the step and action ids the workflows and the API
// write, so a new one without a name fails here, not in front of a person.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMail, templates } from '../../activities/mail-templates';
import * as names from '../../domain/names';
import * as consoleFormat from '../../web/src/format';
import {
  ACTION_ALIASES, ACTION_ZH, ACTOR_ZH, APPLICATION_STAGE_ZH, BASE_STATUS_ZH, COMPLAINT_STATUS_ZH, EVALUATION_OUTCOME_ZH, HISTORY_KIND_ZH,
  INVESTIGATION_OUTCOME_ZH, MAIL_TEMPLATE_ZH, NOTICE_LEVEL_ZH, NOTICE_OUTCOME_ZH, NOTICE_STATUS_ZH, PHASE_ZH, RECTIFICATION_OUTCOME_ZH, ROLE_ZH,
  SANCTION_GROUND_ZH, STEP_PATTERNS, WORKFLOW_TYPE_ZH, actionZh, baseStatusZh, groundZh, isNamedAction, roleZh, stageZh, stepName, stepZh,
} from '../../domain/names';
import { INVESTIGATION_OUTCOMES } from '../../domain/notice';
import { ROLES } from '../../domain/roles';
import { SANCTION_GROUNDS } from '../../domain/sanctions';
import { APPLICATION_STAGES, BASE_STATUSES } from '../../domain/stages';
import { ALL_TRANSITIONS, AUTOMATIC_TRANSITIONS, STAGE_ASSIGNEE } from '../../domain/transitions';

const LATIN = /[A-Za-z]/;
const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The audit log's action ids the issue lists: some are being added elsewhere now, so they are named ahead. */
const AUDITED_ACTIONS = [
  'withdraw', 'submit', 'reportRectification', 'submitSummary', 'submitIndicatorData', 'expire',
  'fileComplaint', 'investigate', 'delegateInvestigation', 'delegateComplaint', 'dismissComplaint', 'dismissComplaints',
  'expertPoolChange', 'expertAdded', 'expertUpdated', 'expertDeactivated', 'calendarOverride', 'resend', 'uploadFile', 'upload',
];

/** Every literal written as an audit `action:` in workflows/, activities/ and api/. */
function writtenActionIds(): Array<{ file: string; id: string }> {
  const found: Array<{ file: string; id: string }> = [];
  for (const file of [...sources('workflows'), ...sources('activities'), ...sources('api')]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/\baction:\s*([^,}\n]+)/g)) {
      for (const lit of (m[1] ?? '').matchAll(/'([A-Za-z][\w.]*)'/g)) found.push({ file, id: lit[1]! });
    }
  }
  return found;
}

/** Every task step literal of workflows/ (`step: '…'`, `step('…'`, template literals too). */
function writtenSteps(): Array<{ file: string; step: string }> {
  const found: Array<{ file: string; step: string }> = [];
  for (const file of sources('workflows')) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/\bstep(?:\s*:\s*|\(\s*)(['`])([^'`]*)\1/g)) found.push({ file, step: m[2]! });
  }
  return found;
}

/** A template literal's `${…}` filled with every stage, notice level and a year, in every combination. */
function instances(step: string): string[] {
  const fillers = [...Object.keys(APPLICATION_STAGE_ZH), 'prefecture', 'province', '2027'];
  const parts = step.split(/\$\{[^}]*\}/);
  let out = [parts[0]!];
  for (const part of parts.slice(1)) out = out.flatMap((prefix) => fillers.map((f) => `${prefix}${f}${part}`));
  return out;
}

describe('names once (domain/names.ts)', () => {
  it('names every application stage and base status, and the stage tables take those names', () => {
    for (const s of APPLICATION_STAGES) {
      expect(APPLICATION_STAGE_ZH[s.stage], s.stage).toBeTruthy();
      expect(s.zh).toBe(APPLICATION_STAGE_ZH[s.stage]);
      expect(stageZh(s.stage)).toBe(s.zh);
    }
    for (const s of BASE_STATUSES) {
      expect(BASE_STATUS_ZH[s.status], s.status).toBeTruthy();
      expect(s.zh).toBe(BASE_STATUS_ZH[s.status]);
      expect(baseStatusZh(s.status)).toBe(s.zh);
    }
    expect(Object.keys(APPLICATION_STAGE_ZH).sort()).toEqual(APPLICATION_STAGES.map((s) => s.stage).sort());
    expect(Object.keys(BASE_STATUS_ZH).sort()).toEqual(BASE_STATUSES.map((s) => s.status).sort());
    expect(stageZh('provinceReview')).toBe(PHASE_ZH.provinceReview);
  });

  it('names every role, and ROLES takes those names', () => {
    for (const r of ROLES) {
      expect(r.zh).toBe(ROLE_ZH[r.role]);
      expect(roleZh(r.role)).toBe(r.zh);
    }
    expect(roleZh('system')).toBe(ACTOR_ZH.system);
  });

  it('names every ground of Art. 24, and SANCTION_GROUNDS takes those names', () => {
    expect(SANCTION_GROUNDS.map((g) => g.ground)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const g of SANCTION_GROUNDS) {
      expect(g.zh).toBe(SANCTION_GROUND_ZH[g.ground]);
      expect(groundZh(g.ground)).toContain(g.zh);
    }
    expect(groundZh(6)).toBe('第二十四条第（六）项：后评估要求整改，但未能有效完成的');
  });

  it('names every transition’s action, and the table’s `zh` is that name', () => {
    for (const r of ALL_TRANSITIONS) {
      expect(isNamedAction(r.action), r.action).toBe(true);
      expect(r.zh).toBe(actionZh(r.action));
    }
  });

  it('names every action the audit log records, and one action under two ids has one name', () => {
    for (const a of AUDITED_ACTIONS) expect(isNamedAction(a), a).toBe(true);
    expect(actionZh('reportRectification')).toBe('提交整改报告');
    expect(actionZh('submitSummary')).toBe('提交年度工作总结');
    expect(actionZh('submitIndicatorData')).toBe('报送“两山指数”指标数据');
    expect(actionZh('expire')).toBe('称号到期');
    // The province's delegation: `delegateComplaint` now, `delegateInvestigation` in older rows and histories.
    expect(actionZh('delegateInvestigation')).toBe(actionZh('delegateComplaint'));
    for (const [alias, same] of Object.entries(ACTION_ALIASES)) expect(actionZh(alias)).toBe(ACTION_ZH[same]);
  });

  it('names every action id that workflows/, activities/ and api/ write', () => {
    const ids = writtenActionIds();
    expect(ids.map((x) => x.id)).toEqual(expect.arrayContaining(['reportRectification', 'delegateComplaint', 'investigate', 'fileComplaint', 'submit']));
    expect(ids.filter((x) => !isNamedAction(x.id))).toEqual([]);
  });

  it('names every task step pattern, and every step literal of workflows/', () => {
    for (const p of STEP_PATTERNS) for (const e of p.examples) expect(stepName(e), e).toBeTruthy();
    for (const [stage, role] of Object.entries(STAGE_ASSIGNEE)) {
      if (!role) continue;
      if (stage.endsWith('Notice')) {
        expect(stepName(`${stage}.open`), stage).toBeTruthy();
        expect(stepName(`${stage}.investigation`), stage).toBeTruthy();
      } else expect(stepName(stage), stage).toBe(stageZh(stage));
    }
    const steps = writtenSteps();
    expect(steps.map((s) => s.step)).toEqual(expect.arrayContaining(['rectification.verify', 'postEvaluation']));
    expect(steps.filter((s) => !instances(s.step).some((x) => stepName(x) !== undefined))).toEqual([]);
    expect(stepZh('annualSummary.2027')).toBe('2027年度工作总结（逾期未提交，第十八条）');
    expect(stepZh('provinceNotice.investigation')).toBe('省级公示期间投诉举报的调查核实');
  });

  it('names every mail template, and only those', () => {
    expect(Object.keys(MAIL_TEMPLATE_ZH).sort()).toEqual(Object.keys(templates).sort());
  });

  it('has no Latin letter in any name, and says nothing but a Chinese word for an id it does not know', () => {
    const tables = [
      APPLICATION_STAGE_ZH, PHASE_ZH, BASE_STATUS_ZH, ROLE_ZH, ACTOR_ZH, ACTION_ZH, SANCTION_GROUND_ZH, INVESTIGATION_OUTCOME_ZH, EVALUATION_OUTCOME_ZH,
      RECTIFICATION_OUTCOME_ZH, NOTICE_OUTCOME_ZH, NOTICE_LEVEL_ZH, NOTICE_STATUS_ZH, COMPLAINT_STATUS_ZH, MAIL_TEMPLATE_ZH, WORKFLOW_TYPE_ZH, HISTORY_KIND_ZH,
    ];
    const names = [
      ...tables.flatMap((t) => Object.values(t) as string[]),
      ...Object.keys(ACTION_ALIASES).map(actionZh),
      ...STEP_PATTERNS.flatMap((p) => p.examples.map(stepZh)),
      ...SANCTION_GROUNDS.map((g) => groundZh(g.ground)),
      ...INVESTIGATION_OUTCOMES.map((o) => o.zh),
      ...[...APPLICATION_STAGES, ...BASE_STATUSES, ...ROLES].map((x) => x.zh),
    ];
    expect(names.length).toBeGreaterThan(100);
    for (const n of names) {
      expect(n.trim(), n).not.toBe('');
      expect(n, n).not.toMatch(LATIN);
    }
    for (const unknown of [stageZh('nope'), baseStatusZh('nope'), roleZh('nope'), actionZh('nope'), actionZh('POST /api/files'), stepZh('nope.x'), groundZh(9)]) {
      expect(unknown).not.toMatch(LATIN);
    }
  });

  it('shows a person a clean name: what the decision forms and docs say of a rule has no English marker', () => {
    for (const r of ALL_TRANSITIONS) {
      for (const text of [r.zh, r.docZh, r.guardZh].filter((t): t is string => !!t)) expect(text, `${r.action}: ${text}`).not.toMatch(LATIN);
      for (const text of [r.toZh ?? ''].filter(Boolean)) expect(text, r.action).not.toMatch(/\[interpretation/);
    }
    for (const t of AUTOMATIC_TRANSITIONS) expect(t.whenZh).not.toMatch(LATIN);
  });

  it('is the console’s only source of names (web/src/format.ts re-exports them)', () => {
    for (const fn of ['stageZh', 'baseStatusZh', 'stepZh', 'actionZh', 'roleZh', 'groundZh', 'outcomeZh', 'investigationOutcomeZh', 'noticeOutcomeZh', 'noticeLevelZh', 'noticeStatusZh', 'complaintStatusZh', 'historyKindZh', 'workflowTypeZh'] as const) {
      expect(consoleFormat[fn], fn).toBe(names[fn]);
    }
    expect(consoleFormat.actorZh({ role: 'system', sub: 'system' })).toBe('系统');
  });

  it('puts only names in the mails: every step and decision reads in Chinese', () => {
    for (const step of STEP_PATTERNS.flatMap((p) => p.examples)) {
      const mail = renderMail('taskAssigned', { unitName: '赤水市', step, dueAt: '2027-03-15T16:00:00Z' });
      expect(mail.subject, step).not.toMatch(LATIN);
    }
    for (const r of ALL_TRANSITIONS) {
      expect(renderMail('decisionMade', { unitName: '赤水市', action: r.action }).subject, r.action).not.toMatch(LATIN);
      expect(renderMail('baseStatusChanged', { unitName: '赤水市', action: r.action, statusZh: '整改中' }).subject, r.action).not.toMatch(LATIN);
    }
    expect(renderMail('baseStatusChanged', { unitName: '赤水市', action: 'expire', statusZh: '有效期届满' }).subject).toBe('【两山基地】赤水市：称号到期');
  });
});
