#!/bin/sh
# One-shot setup run by the `temporal-admin-tools` service (temporalio/
# admin-tools image, `temporal` CLI): waits for the Temporal frontend, makes
# sure the application's namespace exists and registers the custom search
# attributes that the workflows upsert and ops queries filter on
# (docs/PRODUCTION.md, "Search attributes"). Safe to run again: existing attributes of the
# right type are left alone; an attribute registered with another type is an
# error, because changing it would break every query that uses it.
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"
: "${TEMPORAL_NAMESPACE:?set TEMPORAL_NAMESPACE}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
WAIT_SECONDS="${TEMPORAL_SETUP_TIMEOUT_SECONDS:-300}"

# name and type, one per line
ATTRIBUTES='LsStage Keyword
LsPrefecture KeywordList
LsYear Int
LsUnitType Keyword
LsBaseStatus Keyword
LsUnitName Keyword'

cli() {
  temporal --address "$TEMPORAL_ADDRESS" "$@"
}

deadline=$(( $(date +%s) + WAIT_SECONDS ))
wait_until() {
  # $1: what is awaited (for the log); the rest: the command to retry
  what="$1"
  shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "setup-namespace: gave up waiting for $what after ${WAIT_SECONDS}s" >&2
      return 1
    fi
    sleep 2
  done
}

echo "setup-namespace: waiting for the Temporal frontend at $TEMPORAL_ADDRESS"
wait_until "the frontend" cli operator cluster health

# temporalio/server makes no namespace of its own: the first run creates it
# (with TEMPORAL_NAMESPACE_RETENTION); later runs find it.
if ! cli operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "setup-namespace: creating namespace $TEMPORAL_NAMESPACE (retention $RETENTION)"
  cli operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION" \
    || echo "setup-namespace: create refused; checking whether it exists now"
fi
wait_until "namespace $TEMPORAL_NAMESPACE" cli operator namespace describe --namespace "$TEMPORAL_NAMESPACE"
wait_until "the namespace's search attributes" cli operator search-attribute list --namespace "$TEMPORAL_NAMESPACE"

existing="$(cli operator search-attribute list --namespace "$TEMPORAL_NAMESPACE")"
status=0
echo "$ATTRIBUTES" | while read -r name type; do
  # The CLI prints types as Keyword, KeywordList, Int...; compare loosely.
  current="$(echo "$existing" | awk -v n="$name" '$1 == n { t = tolower($2); sub(/^indexed_value_type_/, "", t); gsub(/_/, "", t); print t }')"
  wanted="$(echo "$type" | tr '[:upper:]' '[:lower:]')"
  if [ -z "$current" ]; then
    echo "setup-namespace: creating search attribute $name ($type)"
    cli operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  elif [ "$current" = "$wanted" ]; then
    echo "setup-namespace: search attribute $name ($type) already registered"
  else
    echo "setup-namespace: search attribute $name is registered as $current, expected $type" >&2
    exit 1
  fi
done || status=$?

if [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "setup-namespace: namespace $TEMPORAL_NAMESPACE is ready"
