// `npm run api`: the HTTP API alone, against the configuration of
// ../shared/API.md. Migrations are applied first (idempotent, locked).
import { clockOf, loadConfigOrExit } from '../infra/config';
import { createDb } from '../infra/database';
import { applyMigrations } from '../infra/migrate';
import { connectClient } from '../infra/temporal';
import { createApp } from './app';
import { createVerifier } from './auth';

const config = loadConfigOrExit();
await applyMigrations(config.databaseUrl);
const db = createDb(config.databaseUrl);
const temporal = connectClient(config.temporalAddress, config.temporalNamespace);
const app = createApp({
  db,
  temporal,
  taskQueue: config.taskQueue,
  acceptanceClock: clockOf(config),
  filesDir: config.filesDir,
  filesMaxBytes: config.filesMaxBytes,
  temporalUiUrl: config.temporalUiUrl,
  verify: createVerifier({ jwtSecret: config.authJwtSecret, jwksUrl: config.authJwksUrl, issuer: process.env.AUTH_ISSUER, audience: process.env.AUTH_AUDIENCE }),
});
if (config.devNow) console.log(`acceptance-window clock set by DEV_NOW (development only): it started at ${config.devNow.toISOString()}`);
const server = app.listen(config.port, () => console.log(`api listening on http://localhost:${config.port}`));

const stop = () => {
  server.close(() => {
    void Promise.allSettled([db.$disconnect(), temporal.connection.close()]).then(() => process.exit(0));
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
