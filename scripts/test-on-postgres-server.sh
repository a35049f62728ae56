#!/usr/bin/env bash
# The tests against an existing PostgreSQL server, the way TEST_DATABASE_URL runs them
# (docs/database.md): starts a throwaway server from Debian's PostgreSQL binaries on a free
# loopback port, with a password, runs vitest with TEST_DATABASE_URL pointing at it, checks
# that the run dropped every database it created, and stops the server.
#   usage: bash scripts/test-on-postgres-server.sh [test files...]   (no files: the whole suite)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$bin/pg_ctl" ]; then
  echo "no PostgreSQL server under /usr/lib/postgresql (Debian: apt-get install postgresql)" >&2
  exit 2
fi
dir=$(mktemp -d /tmp/platform-test-server-XXXXXX)
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then # PostgreSQL refuses to run as root
  chown postgres "$dir"
  as_postgres=(runuser -u postgres --)
fi
tests=""
stop() {
  if [ -n "$tests" ]; then kill "$tests" 2>/dev/null || true; fi
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 143' TERM INT

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
password=$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')
printf '%s\n' "$password" >"$dir/password"
[ "${#as_postgres[@]}" -eq 0 ] || chown postgres "$dir/password"
"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/password" \
  -E UTF8 --no-instructions >"$dir/initdb.log"
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
  start >/dev/null
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway, $dir)"

export PGPASSWORD="$password"
leftovers() {
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
    "select count(*) from pg_database where datname like 'platform\_test\_%'"
}
status=0
# In the background, so that a TERM (CI's timeout) stops the tests and the server at once.
TEST_DATABASE_URL="postgres://postgres:$password@127.0.0.1:$port/postgres" npx vitest run "$@" &
tests=$!
wait "$tests" || status=$?
tests=""
left=$(leftovers)
echo "test databases left on the server after the run: $left"
if [ "$left" != "0" ]; then status=1; fi
exit "$status"
