// A year of 两山指数 indicator data (POST /api/bases/:id/indicator-data,
// Art. 22): the twenty indicators with their unit and target beside each
// field. Percentages are typed as percentages and sent as fractions (93 → 0.93).
// Checked before sending by the API's own rules (domain/ls-index/values.ts).
// A unit whose terrain is not on record (it was not asked when it applied)
// gives it here, with the data, when it reports indicator 7, whose target
// depends on it; the API records it with the act, once.
import { useRef, useState, type FormEvent } from 'react';
import { INDICATORS, TERRAINS_ZH, goalZh, taskZh, type IndicatorDef } from '../../domain/ls-index/catalogue';
import { TERRAINS, type Terrain } from '../../domain/materials';
import { validateIndicatorData } from '../../domain/ls-index/values';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { ErrorBox } from './components';
import { plainZh } from './format';

type Raw = Record<string, string>;

function valueOf(def: IndicatorDef, raw: Raw): unknown {
  const v = raw[def.id]?.trim() ?? '';
  switch (def.valueKind) {
    case 'ratio':
      return v === '' ? undefined : Number(v) / 100;
    case 'quantity':
      return v === '' ? undefined : Number(v);
    case 'boolean':
      return v === '' ? undefined : v === 'true';
    case 'areaPair': {
      const a = raw[`${def.id}.redLine`]?.trim() ?? '';
      const b = raw[`${def.id}.protectedArea`]?.trim() ?? '';
      return a === '' && b === '' ? undefined : { redLine: a === '' ? undefined : Number(a), protectedArea: b === '' ? undefined : Number(b) };
    }
  }
}

/** The target of an indicator; one set by terrain (indicator 7) is the unit's own, or says the terrain is not on record. */
function targetOf(def: IndicatorDef, terrain: string | null | undefined): string {
  if (def.rule.type !== 'atLeastByTerrain') return def.targetZh;
  const t = terrain && terrain in def.rule.thresholds ? (terrain as Terrain) : null;
  if (!t) return `${def.targetZh}（本单元未登记地形，评估记为“无数据”）`;
  return `本单元为${TERRAINS_ZH[t]}：≥${Math.round(def.rule.thresholds[t] * 100)}%`;
}

export function IndicatorForm({ baseId, years, onSaved, terrain }: { baseId: string; years: number[]; onSaved: () => void; /** The unit's terrain (from its application), for indicator 7. */ terrain?: string | null }) {
  const thisYear = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const [year, setYear] = useState(String(years.includes(thisYear) ? thisYear : (years[years.length - 1] ?? '')));
  const [raw, setRaw] = useState<Raw>({});
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The terrain chosen here when none is on record.
  const [chosenTerrain, setChosenTerrain] = useState('');
  const unitTerrain = terrain || chosenTerrain || null;
  // One id per version of the data: sending the same again (a retry after a
  // lost answer) is recorded once; any edit makes it a new submission.
  const submissionId = useRef(newDecisionId('data'));
  const set = (k: string, v: string) => {
    submissionId.current = newDecisionId('data');
    setRaw((r) => ({ ...r, [k]: v }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setError(null);
    const values = Object.fromEntries(INDICATORS.map((d) => [d.id, valueOf(d, raw)]).filter(([, v]) => v !== undefined));
    const avg = raw['avg.1']?.trim();
    const body = {
      submissionId: submissionId.current, year: Number(year), values, ...(avg ? { provincialAverages: { '1': Number(avg) / 100 } } : {}),
      ...(!terrain && chosenTerrain ? { terrain: chosenTerrain } : {}),
    };
    const found = validateIndicatorData(body);
    const byTerrain = INDICATORS.find((d) => d.rule.type === 'atLeastByTerrain');
    if (byTerrain && !unitTerrain && values[byTerrain.id] !== undefined) {
      found.push(problem('terrain', 'missing', `请选择建设单元的地形：第${byTerrain.id}项指标的目标值依地形而定`, 'the terrain is needed for this indicator'));
    }
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      await api('POST', `/api/bases/${encodeURIComponent(baseId)}/indicator-data`, { body });
      submissionId.current = newDecisionId('data');
      setSaved(`${year}年度指标数据已保存，评估已更新。`);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  let lastTask = '';
  return (
    <form onSubmit={submit} noValidate aria-label="指标数据填报" data-testid="indicator-form">
      <label className="inline">
        年度
        <select name="year" value={year} onChange={(e) => { submissionId.current = newDecisionId('data'); setYear(e.target.value); }}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </label>
      {!terrain && (
        <label className="inline">
          建设单元地形（尚未登记，随本次数据登记）
          <select name="terrain" value={chosenTerrain} onChange={(e) => { submissionId.current = newDecisionId('data'); setChosenTerrain(e.target.value); }}>
            <option value="">请选择</option>
            {TERRAINS.map((t) => (
              <option key={t.terrain} value={t.terrain}>
                {t.zh}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="hint">比例类指标按百分数填写（如 93 表示 93%）；可只填部分指标，未填的在评估中记为“无数据”。</p>
      <table className="indicators">
        <thead>
          <tr>
            <th>指标</th>
            <th>数值</th>
            <th>单位</th>
            <th>目标参考值</th>
          </tr>
        </thead>
        <tbody>
          {INDICATORS.map((d) => {
            const heading = d.task !== lastTask ? `${goalZh(d.goal)} · ${taskZh(d.task)}` : null;
            lastTask = d.task;
            return [
              heading && (
                <tr key={`h-${d.task}`} className="group">
                  <th colSpan={4}>{heading}</th>
                </tr>
              ),
              <tr key={d.id}>
                <td>
                  <label htmlFor={`ind-${d.id}`}>
                    {d.id}. {d.zh}
                  </label>
                </td>
                <td>
                  {d.valueKind === 'boolean' ? (
                    <select id={`ind-${d.id}`} name={`ind-${d.id}`} value={raw[d.id] ?? ''} onChange={(e) => set(d.id, e.target.value)}>
                      <option value="">未填</option>
                      <option value="true">是</option>
                      <option value="false">否</option>
                    </select>
                  ) : d.valueKind === 'areaPair' ? (
                    <span className="pair">
                      <input id={`ind-${d.id}`} name={`ind-${d.id}-redLine`} type="number" step="any" min={0} placeholder="生态保护红线" value={raw[`${d.id}.redLine`] ?? ''} onChange={(e) => set(`${d.id}.redLine`, e.target.value)} />
                      <input name={`ind-${d.id}-protectedArea`} type="number" step="any" min={0} placeholder="自然保护地" value={raw[`${d.id}.protectedArea`] ?? ''} onChange={(e) => set(`${d.id}.protectedArea`, e.target.value)} />
                    </span>
                  ) : (
                    <input id={`ind-${d.id}`} name={`ind-${d.id}`} type="number" step="any" min={0} max={d.valueKind === 'ratio' ? 100 : undefined} value={raw[d.id] ?? ''} onChange={(e) => set(d.id, e.target.value)} />
                  )}
                  {d.rule.type === 'aboveProvincialAverage' && (
                    <input name="avg-1" type="number" step="any" min={0} max={100} placeholder="当年度全省平均（%）" value={raw['avg.1'] ?? ''} onChange={(e) => set('avg.1', e.target.value)} aria-label="当年度全省平均水平" />
                  )}
                </td>
                <td>{d.valueKind === 'ratio' ? '%' : d.unit}</td>
                <td data-testid={d.rule.type === 'atLeastByTerrain' ? 'terrain-target' : undefined}>{targetOf(d, unitTerrain)}</td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
      {problems.length > 0 && (
        <div className="error" role="alert" data-testid="form-problems">
          <strong>请先补正：</strong>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{plainZh(p.zh).replace(/须在 0 到 1 之间.*$/, '须在 0% 到 100% 之间')}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} title="未能保存" />
      {saved && (
        <p className="notice-ok" role="status">
          {saved}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        保存指标数据
      </button>
    </form>
  );
}
