#!/bin/bash
# Runs once, when the postgres container initialises an empty data directory
# (/docker-entrypoint-initdb.d). Creates one role per consumer and its
# databases:
#   - Temporal: "temporal" (persistence) and "temporal_visibility"
#     (visibility); the temporal-schema job (deploy/temporal/setup-schema.sh)
#     creates and updates the schemas inside them.
#   - The application: APP_DB_NAME, migrated by the `migrate` service.
# Passwords come from the environment (.env), never from this file. psql
# variables (:"name" identifiers, :'value' literals) do the quoting.
set -euo pipefail

: "${TEMPORAL_DB_USER:?}"
: "${TEMPORAL_DB_PASSWORD:?}"
: "${APP_DB_USER:?}"
: "${APP_DB_PASSWORD:?}"
: "${APP_DB_NAME:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_user="$TEMPORAL_DB_USER" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" \
  -v app_user="$APP_DB_USER" \
  -v app_password="$APP_DB_PASSWORD" \
  -v app_db="$APP_DB_NAME" <<'SQL'
CREATE ROLE :"temporal_user" LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER :"temporal_user";
CREATE DATABASE temporal_visibility OWNER :"temporal_user";

CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
REVOKE ALL ON DATABASE temporal FROM PUBLIC;
REVOKE ALL ON DATABASE temporal_visibility FROM PUBLIC;
SQL
