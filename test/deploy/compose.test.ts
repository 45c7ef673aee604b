// The production deployment files, checked for what would break a deployment
// (docs/PRODUCTION.md). Docker is not available on every machine that runs
// the tests, so these read the files: docker-compose.yml parsed as YAML, the
// Dockerfile's instructions, deploy/.env.example, package.json. Each group
// also runs its check on a broken sample to show that the check can fail.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bindSources,
  commandOf,
  dependencyProblems,
  dockerignorePatterns,
  dotenvNames,
  environmentOf,
  execArgs,
  ignoredBy,
  interpolations,
  missingEnvironment,
  nodeCommandOf,
  parseCompose,
  parseDockerfile,
  publishedTargets,
  searchAttributesInCode,
  searchAttributesInSetup,
  servicesWithoutImage,
  shellAssignment,
  signalProblems,
  strings,
  temporalVersionProblems,
  tsxScriptOf,
  undeclaredVolumes,
  undocumentedVariables,
  schemaOrderProblems,
} from './compose-checks';
import type { Compose, Json } from './compose-checks';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

// The core variables: the first ten rows of README.md "Configuration" (infra/config.ts).
const API_CONFIGURATION = [
  'PORT', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'DATABASE_URL', 'SMTP_URL', 'MAIL_FROM', 'PUBLIC_URL',
  'AUTH_JWT_SECRET', 'AUTH_JWKS_URL',
];

// The search attributes the application uses (docs/PRODUCTION.md "Search attributes").
const SEARCH_ATTRIBUTES: Record<string, string> = {
  LsStage: 'Keyword',
  LsPrefecture: 'KeywordList',
  LsYear: 'Int',
  LsUnitType: 'Keyword',
  LsBaseStatus: 'Keyword',
  LsUnitName: 'Keyword',
};

const composeText = read('docker-compose.yml');
const compose: Compose = parseCompose(composeText);
const dockerfileText = read('Dockerfile');
const dockerfile = parseDockerfile(dockerfileText);
const envExample = read('deploy/.env.example');
const packageJson = JSON.parse(read('package.json')) as { scripts?: Record<string, string> };
const scripts = packageJson.scripts ?? {};

const appServices = Object.entries(compose.services)
  .filter(([, s]) => s.build !== undefined)
  .map(([name]) => name);
const dockerfileHealthcheck = dockerfile.final.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args));
const imageEnv = new Set(
  dockerfile.final
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] ?? '')),
);

function sample(yaml: string): Compose {
  return parseCompose(yaml);
}

/**
 * Every variable that the processes read from the environment: infra/config.ts
 * (the one reader, `env.X`) and direct `process.env.X` reads in api/ and worker/.
 */
/** Settings the production stack must not set. */
const DEVELOPMENT_ONLY = ['DEV_NOW'];

function configVariables(): string[] {
  const files = ['infra/config.ts', ...sourceFiles('api'), ...sourceFiles('worker')];
  const names = new Set<string>();
  for (const file of files) {
    const full = path.isAbsolute(file) ? file : path.join(root, file);
    if (!existsSync(full)) continue;
    const text = readFileSync(full, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g)) names.add(m[1] ?? '');
  }
  return [...names].sort();
}

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(full, f))
    .filter((f) => statSync(f).isFile());
}

describe('docker-compose.yml', () => {
  it('is valid YAML with the production services', () => {
    expect(() => parseCompose('services:\n  api:\n    image: a\n    image: b\n')).toThrow();
    expect(() => parseCompose('services: [\n')).toThrow();
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal-schema', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'migrate', 'api', 'worker', 'mail-relay']),
    );
    expect(appServices.sort()).toEqual(['api', 'migrate', 'worker']);
  });

  it('gives every service an image or a build', () => {
    expect(servicesWithoutImage(sample('services:\n  a:\n    command: x\n'))).toHaveLength(1);
    expect(servicesWithoutImage(compose)).toEqual([]);
  });

  it('pins every third-party image to a version', () => {
    const unpinned = Object.entries(compose.services)
      .filter(([, s]) => s.build === undefined)
      .map(([name, s]) => [name, String(s.image)] as const)
      .filter(([, image]) => !/^[^:@]+(:[^:@]+)?@sha256:|^[^:]+:(?!latest$)[\w][\w.-]*$/.test(image));
    expect(unpinned).toEqual([]);
    // temporalio/auto-setup is deprecated (no updates): the server image, its
    // schema job on the admin tools of the same release.
    expect(Object.values(compose.services).map((s) => String(s.image))).not.toContainEqual(expect.stringContaining('auto-setup'));
    expect(String(compose.services['temporal-ui']?.image)).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(String(compose.services.postgresql?.image)).toMatch(/^postgres:16/);
  });

  it('runs the Temporal server the dev server of npm start and the tests embeds (scripts/provision-temporal.sh SERVER_VERSION)', () => {
    // The upgrade test (test/faults/upgrade.test.ts) tried Worker Deployments
    // and the continue-as-new's version choice on that server: production runs the same.
    const serverVersion = shellAssignment(read('scripts/provision-temporal.sh'), 'SERVER_VERSION');
    expect(serverVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(temporalVersionProblems(compose, serverVersion!)).toEqual([]);
    expect(read('docs/PRODUCTION.md')).toContain(`temporalio/server:${serverVersion}`);
    // An image of another release, or the schema job's tools of another one, is named.
    const older = sample(composeText.replace(`temporalio/server:${serverVersion}`, 'temporalio/server:1.29.1'));
    expect(temporalVersionProblems(older, serverVersion!)).toEqual([`temporal runs temporalio/server:1.29.1, not temporalio/server:${serverVersion}`]);
    const mixed = sample(composeText.replace(`temporalio/admin-tools:${serverVersion}`, 'temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0'));
    expect(temporalVersionProblems(mixed, serverVersion!)).toHaveLength(1);
  });

  it('names only existing services in depends_on, with conditions they can meet', () => {
    const broken = sample(
      [
        'services:',
        '  a: { image: x, depends_on: [ghost] }',
        '  b: { image: x, depends_on: { c: { condition: service_healthy } } }',
        '  c: { image: x }',
        '  d: { image: x, depends_on: { e: { condition: service_completed_successfully } } }',
        '  e: { image: x, restart: unless-stopped }',
      ].join('\n'),
    );
    expect(dependencyProblems(broken, { dockerfileHealthcheck: false })).toHaveLength(3);
    expect(dependencyProblems(compose, { dockerfileHealthcheck })).toEqual([]);
  });

  it('starts api and worker only after the migration and the Temporal setup completed', () => {
    for (const name of ['api', 'worker']) {
      const service = compose.services[name] ?? {};
      const deps = Object.fromEntries(
        Object.entries((service.depends_on ?? {}) as Record<string, { condition?: string }>).map(([k, v]) => [k, v.condition]),
      );
      expect(deps, name).toMatchObject({
        migrate: 'service_completed_successfully',
        'temporal-admin-tools': 'service_completed_successfully',
      });
    }
    expect(compose.services.temporal?.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
  });

  it('sets up Temporal in order: schemas, then the server, then the namespace', () => {
    expect(schemaOrderProblems(compose)).toEqual([]);
    // Each step out of order is caught.
    const unordered = sample([
      'services:',
      '  postgresql: { image: postgres:16 }',
      '  temporal-schema: { image: "temporalio/admin-tools:1.32.0", entrypoint: [sh, /etc/temporal/setup/setup-schema.sh] }',
      '  temporal: { image: "temporalio/server:1.32.0", depends_on: { postgresql: { condition: service_healthy } } }',
      '  temporal-admin-tools: { image: "temporalio/admin-tools:1.32.0", depends_on: { temporal: { condition: service_started } } }',
    ].join('\n'));
    expect(schemaOrderProblems(unordered)).toHaveLength(3);
    // The schema job sets up and updates both databases from the image's schema folders.
    const script = read('deploy/temporal/setup-schema.sh');
    for (const line of [
      'setup-schema -v 0.0',
      'update-schema -d "$SCHEMA_DIR/temporal/versioned"',
      'update-schema -d "$SCHEMA_DIR/visibility/versioned"',
      'SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"',
      '--plugin postgres12',
    ]) expect(script).toContain(line);
    const schemaEnv = environmentOf(compose.services['temporal-schema'] ?? {});
    const serverEnv = environmentOf(compose.services.temporal ?? {});
    for (const name of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME', 'DB_PORT']) {
      expect(schemaEnv.get(name), name).toBe(serverEnv.get(name));
    }
    expect(serverEnv.get('DB')).toBe('postgres12');
  });

  it('gives api and worker every core configuration variable (README.md "Configuration")', () => {
    const broken = sample('services:\n  api:\n    image: x\n    environment: [PORT=3000]\n');
    expect(missingEnvironment(broken, ['api'], API_CONFIGURATION, new Set())).toHaveLength(API_CONFIGURATION.length - 1);
    expect(missingEnvironment(compose, ['api', 'worker'], API_CONFIGURATION, new Set())).toEqual([]);
  });

  it('gives api, worker and migrate every variable that the code reads (compose or image ENV)', () => {
    // DEV_NOW is refused outside development mode (infra/config.ts): production never sets it.
    const variables = configVariables().filter((name) => !DEVELOPMENT_ONLY.includes(name));
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'FILES_DIR', 'FILES_MAX_BYTES', 'NODE_ENV']));
    expect(missingEnvironment(compose, ['api', 'worker', 'migrate'], variables, imageEnv)).toEqual([]);
    expect(missingEnvironment(compose, ['api'], ['SOME_NEW_SETTING'], imageEnv)).toHaveLength(1);
  });

  it('keeps the worker scalable: no container_name, replicas allowed, no fixed host port', () => {
    const worker = compose.services.worker ?? {};
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy).toMatchObject({ replicas: expect.anything() });
  });

  it('publishes the API on 3000 and the Temporal UI on 8080', () => {
    expect(publishedTargets(sample('services:\n  a: { image: x, ports: ["3000"] }\n').services.a ?? {})).toEqual([]);
    expect(publishedTargets({ ports: ['${BIND:-127.0.0.1}:${P:-80}:8080/tcp', { target: 9, published: '9' }] })).toEqual([8080, 9]);
    expect(publishedTargets(compose.services.api ?? {})).toContain(3000);
    expect(publishedTargets(compose.services['temporal-ui'] ?? {})).toContain(8080);
    expect(environmentOf(compose.services.api ?? {}).get('PORT')).toBe('3000');
    expect(environmentOf(compose.services['temporal-ui'] ?? {}).get('TEMPORAL_ADDRESS')).toMatch(/7233/);
  });

  it('declares every named volume and finds every bind-mounted file', () => {
    expect(undeclaredVolumes(sample('services:\n  a: { image: x, volumes: ["data:/d", "./x:/x"] }\n'))).toEqual([
      'a mounts volume data, which is not declared under volumes',
    ]);
    expect(undeclaredVolumes(compose)).toEqual([]);
    const missing = bindSources(compose).filter((source) => !existsSync(path.join(root, source)));
    expect(missing).toEqual([]);
    expect(bindSources(compose)).toEqual(
      expect.arrayContaining(['./deploy/postgres/init-databases.sh', './deploy/temporal/setup-namespace.sh']),
    );
  });

  it('documents every interpolated variable in deploy/.env.example, and nothing stale', () => {
    const documented = dotenvNames(envExample);
    expect(undocumentedVariables(sample('services:\n  a: { image: "x:${TAG:?tag}" }\n'), documented)).toEqual([
      'required variable TAG is not documented in deploy/.env.example',
    ]);
    expect(undocumentedVariables(compose, documented)).toEqual([]);
    const used = new Set(interpolations(strings({ services: compose.services } as Json)).map((v) => v.name));
    expect([...documented].filter((name) => !used.has(name))).toEqual([]);
  });

  it('takes the secrets from the environment, required', () => {
    const required = interpolations(strings({ services: compose.services } as Json))
      .filter((v) => v.required)
      .map((v) => v.name);
    expect(required).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'APP_DB_PASSWORD', 'DATABASE_URL', 'MAIL_FROM']),
    );
    // no literal password in the file
    const literal = Object.entries(compose.services).flatMap(([name, s]) =>
      [...environmentOf(s)]
        .filter(([key, value]) => /PASSWORD|PWD|SECRET/.test(key) && value !== '' && !value.includes('${'))
        .map(([key]) => `${name}.${key}`),
    );
    expect(literal).toEqual([]);
  });

  it('runs the app services as node itself, never through npm (which does not pass SIGTERM on), what their npm scripts run', () => {
    // Each way a stop would not reach node is caught.
    const broken = sample(
      [
        'services:',
        '  a: { build: ., command: [npm, run, api] }',
        '  b: { build: ., command: [sh, -c, "npm run worker"] }',
        '  c: { build: ., command: "npm start" }',
        '  d: { build: ., command: [npx, tsx, api/main.ts] }',
        '  e: { build: ., command: [sh, -c, "node --import tsx worker/main.ts"] }',
        '  f: { build: ., command: [node, api/main.ts] }',
      ].join('\n'),
    );
    const problems = Object.entries(broken.services).flatMap(([name, s]) => signalProblems(name, commandOf(s.command)));
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(problems[0]).toContain('npm/cli#6547');
    expect(signalProblems('w', ['sh', '-c', 'exec node --max-old-space-size="$${WORKER_HEAP_MIB:-512}" --import tsx worker/main.ts'])).toEqual([]);

    // The npm script each service stands for: the same script with the same node options.
    const standsFor: Record<string, string> = { api: 'api', worker: 'worker', migrate: 'db:migrate' };
    expect(Object.keys(standsFor).sort()).toEqual([...appServices].sort());
    for (const name of appServices) {
      const command = commandOf(compose.services[name]?.command);
      expect(signalProblems(name, command), name).toEqual([]);
      const node = nodeCommandOf(command ?? []);
      const script = tsxScriptOf(scripts[standsFor[name] ?? ''] ?? '');
      expect(script, `package.json script ${standsFor[name]}`).toBeDefined();
      expect(node, `${name}: ${command?.join(' ')}`).toEqual(script);
      expect(existsSync(path.join(root, node?.script ?? '')), `${name} runs ${node?.script}`).toBe(true);
      expect(compose.services[name]?.user, `${name} user`).toBeUndefined();
      expect(compose.services[name]?.entrypoint, `${name} entrypoint`).toBeUndefined();
    }
    // WORKER_HEAP_MIB, as npm run worker passes it: from the container's environment.
    expect(nodeCommandOf(commandOf(compose.services.worker?.command) ?? [])?.options).toEqual(['--max-old-space-size=${WORKER_HEAP_MIB:-512}']);
    expect(environmentOf(compose.services.worker ?? {}).get('WORKER_HEAP_MIB')).toBe('${WORKER_HEAP_MIB:-512}');
    // tini in front passes the SIGTERM to node.
    for (const name of ['api', 'worker']) expect(compose.services[name]?.init, `${name} init`).toBe(true);
  });

  it('registers every search attribute the workflows define, with its type', () => {
    const setup = searchAttributesInSetup(read('deploy/temporal/setup-namespace.sh'));
    expect(Object.fromEntries(setup)).toMatchObject(SEARCH_ATTRIBUTES);
    const inCode = searchAttributesInCode(
      [...sourceFiles('workflows'), ...sourceFiles('domain')].map((f) => readFileSync(f, 'utf8')),
    );
    const unregistered = [...inCode].filter(([name, type]) => setup.get(name) !== type).map(([n, t]) => `${n} (${t})`);
    expect(unregistered).toEqual([]);
    expect(
      searchAttributesInCode(["defineSearchAttributeKey('LsNew', SearchAttributeType.DOUBLE)"]).get('LsNew'),
    ).toBe('Double');
    const admin = compose.services['temporal-admin-tools'] ?? {};
    expect(environmentOf(admin).get('TEMPORAL_NAMESPACE')).toBe(environmentOf(compose.services.worker ?? {}).get('TEMPORAL_NAMESPACE'));
  });
});

describe('Dockerfile', () => {
  it('exists, is multi-stage on node:20-bookworm-slim and installs with npm ci', () => {
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const base of dockerfile.stages) expect(base).toBe('node:20-bookworm-slim');
    const runs = dockerfileText.replace(/\\\r?\n/g, ' ');
    expect(runs).toMatch(/^RUN .*\bnpm ci\b/m);
    expect(runs).not.toMatch(/npm ci[^\n]*--ignore-scripts/);
    expect(scripts.postinstall).toBeDefined();
  });

  it('runs as a non-root user', () => {
    const users = dockerfile.final.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
    const broken = parseDockerfile('FROM node:20-bookworm-slim\nUSER node\nFROM node:20-bookworm-slim AS final\nCMD ["npm","run","api"]\n');
    expect(broken.final.filter((i) => i.keyword === 'USER')).toEqual([]);
  });

  it('starts the API as node itself, as npm run api would, not through npm', () => {
    const start = dockerfile.final.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
    expect(start.map((i) => i.keyword)).toEqual(['CMD']);
    const args = start.flatMap((i) => execArgs(i.args));
    expect(signalProblems('CMD', args)).toEqual([]);
    expect(nodeCommandOf(args)).toEqual(tsxScriptOf(scripts.api ?? ''));
    expect(signalProblems('CMD', execArgs('npm run api'))).toHaveLength(1);
    expect(signalProblems('CMD', execArgs('["npm", "run", "api"]'))).toHaveLength(1);
  });

  it('checks the API health on /api/health', () => {
    const hc = dockerfile.final.find((i) => i.keyword === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/\/api\/health/);
    for (const name of ['worker', 'migrate']) {
      expect(compose.services[name]?.healthcheck, `${name} has no HTTP server`).toEqual({ disable: true });
    }
  });

  it('copies files that exist and that .dockerignore lets through', () => {
    const patterns = dockerignorePatterns(read('.dockerignore'));
    for (const required of ['node_modules', '.data', '.temporal', 'generated', '.git', 'coverage']) {
      expect(patterns, `.dockerignore lists ${required}`).toContain(required);
    }
    expect(ignoredBy(patterns, '.env')).toBe(true);
    expect(ignoredBy(patterns, 'node_modules/x/index.js')).toBe(true);
    expect(ignoredBy(['*.log'], 'a/b.log')).toBe(false);
    const sources = dockerfile.all
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
      .flatMap((i) => {
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        return parts.slice(0, -1);
      });
    expect(sources.length).toBeGreaterThan(0);
    const problems = sources
      .filter((s) => s !== '.')
      .flatMap((s) => [
        ...(existsSync(path.join(root, s)) ? [] : [`${s} does not exist`]),
        ...(ignoredBy(patterns, s) ? [`${s} is excluded by .dockerignore`] : []),
      ]);
    expect(problems).toEqual([]);
  });
});
