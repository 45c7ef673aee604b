// `npm run build`: the web console (web/) → web/dist, served by the API under
// `/` (api/console.ts). `ensureConsoleBuilt()` builds only when web/dist is
// missing or older than its sources (web/, domain/, this file, the lock
// file): `npm start` and the console's end-to-end test call it, so a cached
// build costs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const WEB_DIR = path.join(root, 'web');
export const CONSOLE_DIST = path.join(WEB_DIR, 'dist');
const STAMP = path.join(CONSOLE_DIST, '.build-stamp');

function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Is web/dist missing, or older than anything it is built from? */
export function consoleIsStale(): boolean {
  if (!existsSync(STAMP) || !existsSync(path.join(CONSOLE_DIST, 'index.html'))) return true;
  const built = statSync(STAMP).mtimeMs;
  const sources = [WEB_DIR, path.join(root, 'domain'), import.meta.filename, path.join(root, 'package-lock.json')];
  return sources.some((s) => newestMtime(s) > built);
}

/** Builds the console with Vite (in this process). */
export async function buildConsole(): Promise<void> {
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    configFile: false,
    root: WEB_DIR,
    base: '/',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: CONSOLE_DIST, emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  });
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Builds the console in a child process when it is missing or stale; answers whether it built. */
export function ensureConsoleBuilt(): boolean {
  if (!consoleIsStale()) return false;
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`building the web console failed (exit ${result.status}): run \`npm run build\` to see why`);
  console.log(`web console built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  if (process.argv.includes('--if-stale') && !consoleIsStale()) {
    console.log('web console is up to date (web/dist)');
  } else {
    await buildConsole();
    console.log('web console built into web/dist');
  }
}
