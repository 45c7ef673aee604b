// Checked by `npm run typecheck`, not run: the decision union
// (domain/decision-payloads.ts) requires exactly what each action's payload
// requires. Each @ts-expect-error fails the typecheck if the line compiles.
import type { ApplicationDecision, BaseDecision } from '../../domain/decision-payloads';

export const accepted: ApplicationDecision[] = [
  { action: 'withdraw' },
  { action: 'name' },
  { action: 'name', payload: { namedOn: '2026-12-01' } },
  { action: 'openNotice', payload: { workingDays: 5 } },
];
export const acceptedBase: BaseDecision[] = [{ action: 'renew' }, { action: 'warn', payload: { ground: 1 } }];

// @ts-expect-error openNotice needs its working days
export const noWorkingDays: ApplicationDecision = { action: 'openNotice' };
// @ts-expect-error a warning names its ground
export const noGround: BaseDecision = { action: 'warn' };
// @ts-expect-error the ground is a number
export const textGround: BaseDecision = { action: 'warn', payload: { ground: '1' } };
// @ts-expect-error not an action of a base
export const notBase: BaseDecision = { action: 'withdraw' };
