// `npm run token -- --role prefectureOfficer --prefecture 520300 [--sub u1]
// [--name 张三] [--email a@b] [--expires 12h]`: a development token signed
// with AUTH_JWT_SECRET (or the embedded default's secret in .data/).
// Production has no way to mint tokens: an OIDC provider issues them.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signDevToken } from '../api/auth';
import type { Role } from '../workflows/messages';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    prefecture: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

const secretFile = `${process.env.DATA_DIR ?? '.data'}/dev-secret`;
const secret = process.env.AUTH_JWT_SECRET || (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : '');
if (!secret) {
  console.error('No AUTH_JWT_SECRET and no .data/dev-secret: start the embedded default (npm start) first, or set AUTH_JWT_SECRET.');
  process.exit(2);
}
const roles = ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'];
if (!values.role || !roles.includes(values.role)) {
  console.error(`--role must be one of: ${roles.join(', ')}`);
  process.exit(2);
}
const role = values.role as Role;
if ((role === 'applicant' || role === 'prefectureOfficer') && !values.prefecture) {
  console.error(`--prefecture <code> is required for ${role} (e.g. 520300 遵义市)`);
  process.exit(2);
}
const token = await signDevToken(
  secret,
  {
    sub: values.sub ?? `dev-${role}${values.prefecture ? `-${values.prefecture}` : ''}`,
    role,
    ...(values.name ? { name: values.name } : {}),
    ...(values.prefecture ? { prefecture: values.prefecture } : {}),
    ...(values.email ? { email: values.email } : {}),
  },
  values.expires,
);
console.log(token);
