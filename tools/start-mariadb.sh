#!/usr/bin/env bash
# Start a local MariaDB server for the tests and make the test user/database hegui_test. Idempotent;
# run as root on Debian 12 (tools/setup-system.sh installs `mariadb-server` when HEGUI_WITH_POSTGRES=1).
# The server listens on 127.0.0.1 only. Prints only the test URL, for:
#   export HEGUI_TEST_MYSQL_URL=$(tools/start-mariadb.sh)
# `tools/start-mariadb.sh stop` stops the server this script started (by its pid file).
# The password is a fixed, public test password for a loopback-only server: not a secret.
set -euo pipefail
role=hegui_test
port=${HEGUI_MYSQL_PORT:-3306}
datadir=${HEGUI_MYSQL_DATADIR:-/var/lib/mysql}
rundir=/run/mysqld
sock=$rundir/mysqld.sock
pidfile=$rundir/hegui-mariadb.pid
url="mysql+pymysql://${role}:${role}@127.0.0.1:${port}/${role}"
# Everything but the URL goes to stderr, so that $(...) captures the URL alone.
exec 3>&1 1>&2

if ! command -v mariadbd >/dev/null; then
  echo "start-mariadb: MariaDB is not installed (HEGUI_WITH_POSTGRES=1 tools/setup-system.sh)" >&2
  exit 1
fi
running() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
if [[ ${1:-} == stop ]]; then
  if running; then
    pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  exit 0
fi

mkdir -p "$rundir"
chown mysql:mysql "$rundir"
if [[ ! -d $datadir/mysql ]]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db >/dev/null
fi
if ! mariadb-admin --socket="$sock" ping >/dev/null 2>&1; then
  # the server must not inherit fd 3 (the caller's $(...) pipe): it would hold the capture open forever
  setsid mariadbd --user=mysql --datadir="$datadir" --bind-address=127.0.0.1 --port="$port" \
    --socket="$sock" --pid-file="$pidfile" --character-set-server=utf8mb4 \
    3>&- </dev/null >>/var/log/hegui-mariadb.log 2>&1 &
fi
for _ in $(seq 1 30); do
  mariadb-admin --socket="$sock" ping >/dev/null 2>&1 && break
  sleep 1
done
mariadb-admin --socket="$sock" ping >/dev/null 2>&1 || { echo "start-mariadb: server did not come up" >&2; exit 1; }

mariadb --socket="$sock" -e "
  CREATE DATABASE IF NOT EXISTS ${role} CHARACTER SET utf8mb4;
  CREATE USER IF NOT EXISTS '${role}'@'127.0.0.1' IDENTIFIED BY '${role}';
  GRANT ALL PRIVILEGES ON ${role}.* TO '${role}'@'127.0.0.1';"
echo "$url" >&3
