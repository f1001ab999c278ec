#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster and make the test role/database hegui_test. Idempotent; run
# as root on Debian 12 (tools/setup-system.sh installs `postgresql` when HEGUI_WITH_POSTGRES=1).
# Prints only the local test URL, for:  export HEGUI_TEST_PG_URL=$(tools/start-postgres.sh)
# The password is a fixed, public test password for a loopback-only server: not a secret.
set -euo pipefail
version=${HEGUI_PG_VERSION:-15}
cluster=main
role=hegui_test
url="postgresql+psycopg://${role}:${role}@127.0.0.1:5432/${role}"
# Everything but the URL goes to stderr: pg_ctlcluster and psql may print notes (e.g. "Removed stale
# pid file.") that must not end up in the captured URL.
exec 3>&1 1>&2

if ! command -v pg_ctlcluster >/dev/null; then
  echo "start-postgres: PostgreSQL is not installed (HEGUI_WITH_POSTGRES=1 tools/setup-system.sh)" >&2
  exit 1
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {found=1} END {exit !found}'; then
  pg_createcluster "$version" "$cluster" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c && $4 == "online" {up=1} END {exit !up}'; then
  # the server must not inherit fd 3 (the caller's $(...) pipe): it would hold the capture open forever
  pg_ctlcluster "$version" "$cluster" start 3>&- </dev/null
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "start-postgres: server did not come up" >&2; exit 1; }

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"; }
if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${role}'") ]]; then
  psql_admin -c "CREATE ROLE ${role} LOGIN PASSWORD '${role}'"
fi
if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${role}'") ]]; then
  psql_admin -c "CREATE DATABASE ${role} OWNER ${role}"
fi
echo "$url" >&3
