// The embedded default's database (`npm start`, scripts/dev.ts): what the
// operator scripts (`npm run ops`, `npm run audit:verify`, `npm run
// offices:load`) use when DATABASE_URL is unset, so that on a development
// machine they need no setting. DEV_POSTGRES_PORT moves it, as it moves
// `npm start`'s PostgreSQL.
export const EMBEDDED_POSTGRES_PORT = 54329;

export function embeddedDefaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = Number(env.DEV_POSTGRES_PORT || EMBEDDED_POSTGRES_PORT);
  return `postgresql://postgres:postgres@127.0.0.1:${port}/liangshan`;
}

/** DATABASE_URL, or the embedded default's database when it is unset. */
export function databaseUrlOrEmbeddedDefault(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || embeddedDefaultDatabaseUrl(env);
}
