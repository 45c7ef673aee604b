// Static checks of the deployment files (Dockerfile, docker-compose.yml,
// deploy/.env.example) for what would break `docker compose up`: the parts
// that Docker itself is not available here to validate. Each check returns a
// list of problems (empty when fine) so the tests can also show that a broken
// input is caught.
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Service = Record<string, Json>;

export interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, Json>;
}

export function isRecord(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses compose YAML as Docker Compose does (merge keys `<<`, no duplicate keys). */
export function parseCompose(text: string): Compose {
  const doc: unknown = parse(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (!isRecord(doc)) throw new Error('docker-compose.yml is not a mapping');
  const services = doc.services;
  if (!isRecord(services) || Object.keys(services).length === 0) {
    throw new Error('docker-compose.yml has no services');
  }
  const result: Record<string, Service> = {};
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) throw new Error(`service ${name} is not a mapping`);
    result[name] = service;
  }
  const volumes = doc.volumes ?? {};
  if (!isRecord(volumes)) throw new Error('top-level volumes is not a mapping');
  return { services: result, volumes };
}

/** Splits on ':' outside `${...}` interpolations. */
export function splitColons(spec: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '$' && spec[i + 1] === '{') {
      depth++;
      current += '${';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) depth--;
    if (c === ':' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

export function environmentOf(service: Service): Map<string, string> {
  const env = new Map<string, string>();
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const text = String(entry);
      const eq = text.indexOf('=');
      env.set(eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1));
    }
  } else if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) env.set(key, value === null ? '' : String(value));
  }
  return env;
}

export function dependsOnOf(service: Service): Map<string, string> {
  const deps = new Map<string, string>();
  const raw = service.depends_on;
  if (Array.isArray(raw)) {
    for (const name of raw) deps.set(String(name), 'service_started');
  } else if (isRecord(raw)) {
    for (const [name, spec] of Object.entries(raw)) {
      deps.set(name, isRecord(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started');
    }
  }
  return deps;
}

/** Container-side ports that a service publishes on the host. */
export function publishedTargets(service: Service): number[] {
  const raw = service.ports;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => {
    if (isRecord(entry)) {
      return entry.published === undefined ? [] : [Number(entry.target)];
    }
    const parts = splitColons(String(entry));
    if (parts.length < 2) return []; // "3000" alone publishes on a random port; not what we want
    const target = (parts[parts.length - 1] ?? '').replace(/\/(tcp|udp)$/, '');
    return [Number(target)];
  });
}

interface Mount {
  type: 'volume' | 'bind';
  source: string;
}

export function mountsOf(service: Service): Mount[] {
  const raw = service.volumes;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): Mount[] => {
    if (isRecord(entry)) {
      const source = typeof entry.source === 'string' ? entry.source : '';
      if (!source) return [];
      return [{ type: entry.type === 'bind' ? 'bind' : 'volume', source }];
    }
    const parts = splitColons(String(entry));
    if (parts.length < 2) return []; // anonymous volume
    const source = parts[0] ?? '';
    const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || source.startsWith('$');
    return [{ type: bind ? 'bind' : 'volume', source }];
  });
}

export function commandOf(value: Json | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value).trim().split(/\s+/);
}

/** The words of a shell command line, simply: split on spaces, quotes dropped, compose's `$$` read as `$`. */
export function shellWords(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.replace(/["']/g, '').replace(/\$\$/g, '$'));
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash']);
const isShellC = (command: string[]) => SHELLS.has(command[0] ?? '') && command[1] === '-c';
const base = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/** How a command starts node: its options (the loader aside), its loader and its script. */
export interface NodeCommand {
  /** Node's options other than the loader, e.g. `--max-old-space-size=${WORKER_HEAP_MIB:-512}`. */
  options: string[];
  /** What `--import` loads (tsx), if anything. */
  loader: string | undefined;
  script: string;
}

/**
 * The node a command runs itself: `node [options] script` in exec form, or
 * `sh -c "exec node [options] script"` (the shell replaced by node);
 * undefined for anything else (npm, a shell that stays in front of node).
 */
export function nodeCommandOf(command: string[]): NodeCommand | undefined {
  let words = command;
  if (isShellC(command)) {
    words = shellWords(command[2] ?? '');
    if (words[0] !== 'exec') return undefined;
    words = words.slice(1);
  }
  if (base(words[0] ?? '') !== 'node') return undefined;
  const options: string[] = [];
  let loader: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word === '--import') loader = words[++i];
    else if (word.startsWith('--import=')) loader = word.slice('--import='.length);
    else if (word.startsWith('-')) options.push(word);
    else return { options, loader, script: word };
  }
  return undefined;
}

/** What a package.json script `tsx [options] script` runs, as a NodeCommand (tsx passes node's options on). */
export function tsxScriptOf(script: string): NodeCommand | undefined {
  const words = shellWords(script);
  if (words[0] !== 'tsx') return undefined;
  const options = words.slice(1, -1);
  const file = words.at(-1);
  return file && !file.startsWith('-') ? { options, loader: 'tsx', script: file } : undefined;
}

/**
 * Why a long-running process started by `command` would not drain on a stop
 * (empty when it would): npm (9.6.7 and later) does not pass the SIGTERM of
 * `docker compose stop` on to its script (npm/cli#6547), so the script is
 * killed at the end of the grace period; a shell that does not `exec` node
 * keeps the signal to itself the same way. The process must be node itself,
 * with tsx as its loader (the sources are TypeScript).
 */
export function signalProblems(name: string, command: string[] | undefined): string[] {
  if (!command || command.length === 0) return [`${name} has no command`];
  const text = command.join(' ');
  const words = isShellC(command) ? shellWords(command[2] ?? '') : command;
  if (words.some((word) => base(word) === 'npm' || base(word) === 'npx')) {
    return [`${name} runs through npm (${text}), which does not pass SIGTERM on to its script (npm/cli#6547): run node itself, e.g. node --import tsx <script>`];
  }
  const node = nodeCommandOf(command);
  if (!node) {
    return [isShellC(command) ? `${name} runs a shell that does not exec node (${text}): the shell, not node, gets the SIGTERM` : `${name} does not run node itself (${text})`];
  }
  return node.loader === 'tsx' ? [] : [`${name} runs node without --import tsx (${text}): the TypeScript sources need it`];
}

export function healthcheckDisabled(service: Service): boolean {
  const hc = service.healthcheck;
  return isRecord(hc) && (hc.disable === true || (Array.isArray(hc.test) && hc.test[0] === 'NONE'));
}

export function hasComposeHealthcheck(service: Service): boolean {
  const hc = service.healthcheck;
  return isRecord(hc) && !healthcheckDisabled(service) && hc.test !== undefined;
}

/** Every string of the parsed document (keys and values): comments excluded. */
export function strings(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

export interface Interpolation {
  name: string;
  required: boolean;
}

export function interpolations(values: string[]): Interpolation[] {
  const found = new Map<string, boolean>();
  for (const text of values) {
    const unescaped = text.replace(/\$\$/g, '');
    for (const m of unescaped.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?\-+])?/g)) {
      const name = m[1] ?? '';
      const required = m[2] === ':?' || m[2] === '?';
      found.set(name, (found.get(name) ?? false) || required);
    }
    for (const m of unescaped.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1] ?? '';
      if (!found.has(name)) found.set(name, false);
    }
  }
  return [...found].map(([name, required]) => ({ name, required }));
}

/** Names assigned in a dotenv file (`NAME=...`, comments ignored). */
export function dotenvNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions (all, and the final stage's), and every stage's base image. */
export function parseDockerfile(text: string): { stages: string[]; final: DockerInstruction[]; all: DockerInstruction[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[] = [];
  let final: DockerInstruction[] = [];
  const all: DockerInstruction[] = [];
  for (const line of logical) {
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? '').toUpperCase();
    const args = (m[2] ?? '').trim();
    if (keyword === 'FROM') {
      stages.push(args.split(/\s+/).find((a) => !a.startsWith('--')) ?? '');
      final = [];
    }
    final.push({ keyword, args });
    all.push({ keyword, args });
  }
  return { stages, final, all };
}

/** Exec-form (JSON array) or shell-form arguments of CMD/ENTRYPOINT. */
export function execArgs(args: string): string[] {
  if (args.startsWith('[')) {
    const parsed: unknown = JSON.parse(args);
    if (!Array.isArray(parsed)) throw new Error(`not an exec form: ${args}`);
    return parsed.map(String);
  }
  return ['/bin/sh', '-c', args];
}

/** Docker's .dockerignore matching, simplified: '*' within a segment, '**' across. */
export function ignoredBy(patterns: string[], file: string): boolean {
  const normal = file.replace(/^\.\//, '').replace(/\/$/, '');
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\.\//, '').replace(/^\//, '').replace(/\/$/, '');
    const source = pattern
      .split('**')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
      .join('.*');
    const re = new RegExp(`^${source}(/.*)?$`);
    if (re.test(normal)) ignored = !negate;
  }
  return ignored;
}

export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Custom search attributes the workflow code defines: name → CLI type name. */
export function searchAttributesInCode(sources: string[]): Map<string, string> {
  const cliType: Record<string, string> = {
    TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  const found = new Map<string, string>();
  for (const source of sources) {
    for (const m of source.matchAll(/defineSearchAttributeKey\(\s*['"]([A-Za-z0-9_]+)['"]\s*,\s*SearchAttributeType\.([A-Z_]+)/g)) {
      found.set(m[1] ?? '', cliType[m[2] ?? ''] ?? `unknown(${m[2]})`);
    }
  }
  return found;
}

/** The name/type pairs in setup-namespace.sh's ATTRIBUTES block. */
export function searchAttributesInSetup(script: string): Map<string, string> {
  const block = /ATTRIBUTES='([^']*)'/.exec(script)?.[1] ?? '';
  const found = new Map<string, string>();
  for (const line of block.split('\n')) {
    const [name, type] = line.trim().split(/\s+/);
    if (name && type) found.set(name, type);
  }
  return found;
}

// ---- checks over a parsed compose file -------------------------------------

export function servicesWithoutImage(compose: Compose): string[] {
  return Object.entries(compose.services)
    .filter(([, s]) => s.image === undefined && s.build === undefined)
    .map(([name]) => `${name} has neither image nor build`);
}

export interface DependencyContext {
  /** Whether the image built from the Dockerfile declares a HEALTHCHECK. */
  dockerfileHealthcheck: boolean;
}

export function dependencyProblems(compose: Compose, ctx: DependencyContext): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dep, condition] of dependsOnOf(service)) {
      const target = compose.services[dep];
      if (!target) {
        problems.push(`${name} depends on ${dep}, which is not a service`);
        continue;
      }
      if (condition === 'service_healthy') {
        const viaImage = target.build !== undefined && ctx.dockerfileHealthcheck && !healthcheckDisabled(target);
        if (!hasComposeHealthcheck(target) && !viaImage) {
          problems.push(`${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
        }
      } else if (condition === 'service_completed_successfully') {
        const restart = target.restart === undefined ? 'no' : String(target.restart);
        if (restart !== 'no' && !restart.startsWith('on-failure')) {
          problems.push(`${name} waits for ${dep} to complete, but ${dep} restarts (${restart}) and never completes`);
        }
      } else if (condition !== 'service_started') {
        problems.push(`${name} depends on ${dep} with unknown condition ${condition}`);
      }
    }
  }
  return problems;
}

export function missingEnvironment(compose: Compose, serviceNames: string[], required: string[], fromImage: Set<string>): string[] {
  const problems: string[] = [];
  for (const name of serviceNames) {
    const service = compose.services[name];
    if (!service) {
      problems.push(`service ${name} is missing`);
      continue;
    }
    const env = environmentOf(service);
    for (const variable of required) {
      if (!env.has(variable) && !fromImage.has(variable)) problems.push(`${name} is not given ${variable}`);
    }
  }
  return problems;
}

export function undeclaredVolumes(compose: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const mount of mountsOf(service)) {
      if (mount.type === 'volume' && !(mount.source in compose.volumes)) {
        problems.push(`${name} mounts volume ${mount.source}, which is not declared under volumes`);
      }
    }
  }
  return problems;
}

export function bindSources(compose: Compose): string[] {
  return Object.values(compose.services).flatMap((s) => mountsOf(s).filter((m) => m.type === 'bind').map((m) => m.source));
}

export function undocumentedVariables(compose: Compose, documented: Set<string>): string[] {
  const values = strings({ services: compose.services, volumes: compose.volumes } as Json);
  return interpolations(values)
    .filter((v) => !documented.has(v.name))
    .map((v) => `${v.required ? 'required ' : ''}variable ${v.name} is not documented in deploy/.env.example`);
}

/**
 * Temporal's start-up order on temporalio/server (no auto-setup): a one-shot
 * schema job (admin-tools running setup-schema.sh) after PostgreSQL is
 * healthy; the server only once that job completed; the namespace job
 * (temporal-admin-tools) only once the server is healthy. One problem per
 * step out of order.
 */
export function schemaOrderProblems(compose: Compose): string[] {
  const problems: string[] = [];
  const job = Object.entries(compose.services).find(([, s]) => strings(s.entrypoint).some((part) => part.endsWith('setup-schema.sh')));
  if (!job) return ['no service runs deploy/temporal/setup-schema.sh'];
  const [jobName, jobService] = job;
  if (!String(jobService.image).startsWith('temporalio/admin-tools:')) problems.push(`${jobName} must run on temporalio/admin-tools (temporal-sql-tool)`);
  if (dependsOnOf(jobService).get('postgresql') !== 'service_healthy') problems.push(`${jobName} must wait for postgresql to be healthy`);
  const server = compose.services.temporal ?? {};
  if (dependsOnOf(server).get(jobName) !== 'service_completed_successfully') problems.push(`temporal must start after ${jobName} completed successfully`);
  if (dependsOnOf(compose.services['temporal-admin-tools'] ?? {}).get('temporal') !== 'service_healthy') problems.push('temporal-admin-tools must wait for temporal to be healthy');
  return problems;
}

/** A `NAME="value"` assignment of a shell script (scripts/provision-temporal.sh's versions), or undefined. */
export function shellAssignment(script: string, name: string): string | undefined {
  return new RegExp(`^${name}="([^"]*)"`, 'm').exec(script)?.[1];
}

/**
 * The Temporal images that are not of `serverVersion`, the server the dev
 * server of npm start and the tests embeds: temporalio/server, and the
 * admin-tools of the same release for the schema and namespace jobs.
 */
export function temporalVersionProblems(compose: Compose, serverVersion: string): string[] {
  const wanted: Record<string, string> = {
    temporal: `temporalio/server:${serverVersion}`,
    'temporal-schema': `temporalio/admin-tools:${serverVersion}`,
    'temporal-admin-tools': `temporalio/admin-tools:${serverVersion}`,
  };
  return Object.entries(wanted)
    .filter(([service, image]) => String(compose.services[service]?.image) !== image)
    .map(([service, image]) => `${service} runs ${String(compose.services[service]?.image)}, not ${image}`);
}
