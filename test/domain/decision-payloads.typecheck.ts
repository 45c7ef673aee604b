// Checked by `npm run typecheck`, not run: the decision union
// (domain/decision-payloads.ts) requires exactly what each action's payload
// requires. Each @ts-expect-error fails the typecheck if the line compiles.
import type { ApplicationDecision, BaseDecision } from '../../domain/decision-payloads';

const deliberation = { deliberationBody: '厅务会', deliberationDate: '2026-11-20', minutesFileId: 'file-1' };

export const accepted: ApplicationDecision[] = [
  { action: 'withdraw' },
  { action: 'name', payload: deliberation },
  { action: 'name', payload: { namedOn: '2026-12-01', ...deliberation } },
  { action: 'openNotice', payload: { workingDays: 5 } },
];
export const acceptedBase: BaseDecision[] = [{ action: 'renew' }, { action: 'revoke', payload: { ground: 6, ...deliberation } }];

// @ts-expect-error openNotice needs its working days
export const noWorkingDays: ApplicationDecision = { action: 'openNotice' };
// @ts-expect-error a warning names its ground
export const noGround: BaseDecision = { action: 'warn' };
// @ts-expect-error naming rests on a deliberation
export const noDeliberation: ApplicationDecision = { action: 'name', payload: { namedOn: '2026-12-01' } };
// @ts-expect-error the ground is a number
export const textGround: BaseDecision = { action: 'warn', payload: { ground: '1', ...deliberation } };
// @ts-expect-error not an action of a base
export const notBase: BaseDecision = { action: 'withdraw' };
