import { describe, expect, it } from 'vitest';
import { MATERIAL_CHECKLIST, missingMaterials, PLAN_CHAPTERS, validateSubmission } from '../../domain';

/** The submission example of README.md "Try it". */
const submission = () => ({
  year: 2027,
  unit: { name: '赤水市', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
  applicant: { name: '赤水市人民政府', contactEmail: 'gov@chishui.example' },
  materials: [
    { kind: 'applicationLetter', fileId: 'f0' },
    { kind: 'conditionEvidence', condition: 1, fileId: 'f1', explanation: '空气质量全市第一' },
    { kind: 'conditionEvidence', condition: 2, fileId: 'f2', explanation: '竹产业' },
    { kind: 'conditionEvidence', condition: 3, fileId: 'f3', explanation: '生态补偿机制' },
    { kind: 'conditionEvidence', condition: 4, fileId: 'f4', explanation: '近3年无重大问题' },
    { kind: 'implementationPlan', fileId: 'f5', issuedBy: 'county', chapters: PLAN_CHAPTERS.map((c) => c.key) },
  ] as Record<string, unknown>[],
});

describe('materials (Art. 7, 8, 12, outline)', () => {
  it('the README.md example is complete', () => {
    expect(validateSubmission(submission())).toEqual([]);
    expect(MATERIAL_CHECKLIST.map((m) => m.key)).toEqual(['applicationLetter', 'conditionEvidence.1', 'conditionEvidence.2', 'conditionEvidence.3', 'conditionEvidence.4', 'implementationPlan']);
  });

  it('nothing at all: every item is listed, in Chinese with its key', () => {
    const p = missingMaterials([]);
    expect(p.map((x) => x.field)).toEqual(['applicationLetter', 'conditionEvidence.1', 'conditionEvidence.2', 'conditionEvidence.3', 'conditionEvidence.4', 'implementationPlan']);
    expect(p[0]?.zh).toBe('缺少申报函（applicationLetter，第十二条）');
    expect(p[2]?.zh).toBe('缺少申报条件第（二）项的说明材料及证明文件（conditionEvidence.2，第七条、第十二条）');
    expect(missingMaterials('not a list').length).toBe(6);
  });

  it('a condition without file or explanation', () => {
    const s = submission();
    s.materials[2] = { kind: 'conditionEvidence', condition: 2, fileId: '', explanation: ' ' };
    expect(missingMaterials(s.materials).map((p) => `${p.field}:${p.code}`)).toEqual(['conditionEvidence.2:noFile', 'conditionEvidence.2:noExplanation']);
  });

  it('several files for one condition are fine; a fifth condition is not', () => {
    const s = submission();
    s.materials.push({ kind: 'conditionEvidence', condition: 1, fileId: 'f6', explanation: '补充' });
    expect(missingMaterials(s.materials)).toEqual([]);
    s.materials.push({ kind: 'conditionEvidence', condition: 5, fileId: 'f7', explanation: 'x' });
    expect(missingMaterials(s.materials).map((p) => p.code)).toEqual(['unknownCondition']);
  });

  it('the plan: issued at county level or above, with all seven chapters', () => {
    const s = submission();
    s.materials[5] = { kind: 'implementationPlan', fileId: 'f5', issuedBy: 'town', chapters: ['background', 'overview', 'approach', 'tasks', 'projects'] };
    const p = missingMaterials(s.materials);
    expect(p.map((x) => x.field)).toEqual(['implementationPlan.issuedBy', 'implementationPlan.chapters.progress', 'implementationPlan.chapters.safeguards']);
    expect(p[1]?.zh).toBe('建设实施方案缺少第三章《“两山”实践探索成效与问题分析》（progress，编制大纲）');
    expect(p[2]?.zh).toBe('建设实施方案缺少第七章《保障措施》（safeguards，编制大纲）');
    for (const issuedBy of ['county', 'prefecture', 'province']) {
      expect(missingMaterials([...s.materials.slice(0, 5), { kind: 'implementationPlan', fileId: 'f', issuedBy, chapters: PLAN_CHAPTERS.map((c) => c.key) }])).toEqual([]);
    }
  });

  it('one plan only, with a file', () => {
    const s = submission();
    s.materials.push({ kind: 'implementationPlan', fileId: 'f9', issuedBy: 'county', chapters: PLAN_CHAPTERS.map((c) => c.key) });
    expect(missingMaterials(s.materials).map((p) => p.code)).toEqual(['duplicate']);
    const t = submission();
    t.materials[5] = { ...t.materials[5], fileId: undefined };
    expect(missingMaterials(t.materials).map((p) => p.field)).toEqual(['implementationPlan.fileId']);
  });
});

describe('the rest of a submission', () => {
  it('checks year, unit, prefectures, terrain and applicant', () => {
    const s = { ...submission(), year: 27, unit: { name: '', type: 'city', prefectures: ['520300', '999999', '520300'], terrain: 'desert' }, applicant: { name: '', contactEmail: 'nope' } };
    expect(validateSubmission(s).map((p) => `${p.field}:${p.code}`)).toEqual([
      'year:invalid',
      'unit.name:missing',
      'unit.type:invalid',
      'unit.prefectures:unknownPrefecture',
      'unit.prefectures:duplicate',
      'unit.terrain:invalid',
      'applicant.name:missing',
      'applicant.contactEmail:invalid',
    ]);
    expect(validateSubmission({ ...submission(), unit: { name: 'x', type: 'village', prefectures: [] } }).map((p) => p.field)).toEqual(['unit.prefectures']);
    expect(validateSubmission(null).map((p) => p.code)).toEqual(['notAnObject']);
  });

  it('terrain is optional and a cross-prefecture unit is valid with its path (Art. 11)', () => {
    const cross = { ...submission(), unit: { name: '赤水河流域', type: 'watershed', prefectures: ['520300', '520500'] } };
    expect(validateSubmission({ ...cross, submitVia: 'province' })).toEqual([]);
    expect(validateSubmission({ ...cross, submitVia: '520500' })).toEqual([]);
    expect(validateSubmission(cross).map((p) => `${p.field}:${p.code}`)).toEqual(['submitVia:missing']);
  });
});
