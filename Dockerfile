# syntax=docker/dockerfile:1
#
# One image for the API, the worker and the migration job: the command is
# chosen by the compose service (node with tsx as its loader, on api/main.ts,
# worker/main.ts or scripts/db-migrate.ts). The TypeScript sources run under tsx; the only
# build step is the web console's bundle (web/ → web/dist, served by the
# API). The Temporal server, PostgreSQL and the mail relay come from their
# own images (docker-compose.yml, docs/PRODUCTION.md).

# ---- dependencies: npm ci, whose postinstall generates the Prisma client ----
FROM node:20-bookworm-slim AS deps
WORKDIR /app

# The npm that wrote package-lock.json and understands package.json's
# `allowScripts` (the repository's .npmrc sets strict-allow-scripts).
ARG NPM_VERSION=11.19.1
RUN npm install --global "npm@${NPM_VERSION}" && npm cache clean --force

# .npmrc names the host's node headers (/usr); the official image keeps them
# under /usr/local. No dependency compiles today; this keeps it right if one
# ever does.
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1

# Only what `npm ci` and its postinstall (scripts/prisma-generate.mjs) read,
# so a source change does not invalidate the dependency layer.
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma/schema.prisma prisma/
RUN npm ci && npm cache clean --force && test -f generated/prisma/client.ts

# The Temporal core bridge ships native libraries for five platforms; keep
# the one this image runs on.
RUN keep="$(uname -m)-unknown-linux-gnu" \
 && test -d "node_modules/@temporalio/core-bridge/releases/${keep}" \
 && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 -type d ! -name "${keep}" -exec rm -rf {} +

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    PORT=3000 \
    FILES_DIR=/app/.data/files \
    npm_config_update_notifier=false \
    npm_config_fund=false

# Same npm as the dependency stage (npm run reads the repository's .npmrc).
COPY --from=deps /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm

# Uploaded documents live here (a volume in production); the only path the
# application writes to. Sources stay owned by root and read-only to the app.
RUN mkdir -p /app/.data/files && chown -R node:node /app/.data

COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/generated ./generated
COPY . .
# The web console (web/ → web/dist), served by the API under `/` (api/console.ts).
RUN npm run build && test -f web/dist/index.html

USER node

EXPOSE 3000

# For the API; the worker and the migration job disable it in compose.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node itself, not `npm run api`: npm 9.6.7 and later does not pass a SIGTERM
# on to its script (npm/cli#6547), which would be killed instead of drained.
CMD ["node", "--import", "tsx", "api/main.ts"]
