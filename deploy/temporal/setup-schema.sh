#!/bin/sh
# One-shot schema job run by the `temporal-schema` service (temporalio/
# admin-tools image, `temporal-sql-tool`, the same Temporal release as the
# server) before the server starts, as Temporal's own compose examples for
# PostgreSQL do now that temporalio/auto-setup is deprecated: for the
# persistence database and the visibility database, `setup-schema -v 0.0`
# (the version tables; a no-op when present) then `update-schema` to the
# newest version shipped in the image. Safe on every start; an upgrade of
# the server's tag (both images together) applies the new versions here.
# The databases themselves are made by deploy/postgres/init-databases.sh
# (the temporal role owns them and may not create databases).
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${POSTGRES_PWD:?set POSTGRES_PWD}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
WAIT_SECONDS="${TEMPORAL_SETUP_TIMEOUT_SECONDS:-300}"

sql() {
  db="$1"
  shift
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" \
    -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" --db "$db" "$@"
}

deadline=$(( $(date +%s) + WAIT_SECONDS ))
echo "setup-schema: waiting for PostgreSQL at $POSTGRES_SEEDS:$DB_PORT"
until sql "$DBNAME" setup-schema -v 0.0 >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "setup-schema: gave up after ${WAIT_SECONDS}s; the last attempt said:" >&2
    sql "$DBNAME" setup-schema -v 0.0 >&2 || true
    exit 1
  fi
  sleep 2
done

echo "setup-schema: $DBNAME to the newest version"
sql "$DBNAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"
echo "setup-schema: $VISIBILITY_DBNAME to the newest version"
sql "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"
echo "setup-schema: both schemas are current"
