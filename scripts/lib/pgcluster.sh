# Private PostgreSQL clusters on a unix socket, for the tests and the demo workspace.
# Sourced by tests/pg-fixture and scripts/demo-workspace. initdb and pg_ctl refuse to run as
# root, so as root the cluster belongs to the postgres user and lives where it can reach.

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || { echo "PostgreSQL server binaries not found: run scripts/deps" >&2; return 1; }
  echo "$dir"
}

# Runs a command as the cluster's owner: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# cluster_start BASE PORT [LISTEN]: BASE/data, BASE/sock, BASE/log. Creates the cluster on first
# use. Extra lines for pg_hba.conf (placed before the trust line) can come on stdin. LISTEN (e.g.
# 127.0.0.1) makes it listen on TCP too; by default it listens on the socket only.
cluster_start() {
  local base=$1 port=$2 listen=${3:-} bin
  bin=$(pg_bindir)
  mkdir -p "$base/sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$base"
  if [ ! -f "$base/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log"
    local extra_hba
    extra_hba=$(cat)
    if [ -n "$extra_hba" ]; then
      printf '%s\n' "$extra_hba" | cat - "$base/data/pg_hba.conf" >"$base/pg_hba.new"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$base/pg_hba.new"
      mv "$base/pg_hba.new" "$base/data/pg_hba.conf"
    fi
  fi
  if ! as_owner "$bin/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$base/data" -l "$base/log" -w -t 30 \
      -o "-k $base/sock -c listen_addresses='$listen' -p $port" start >/dev/null
  fi
}

cluster_stop() {
  local base=$1 bin
  bin=$(pg_bindir)
  [ -f "$base/data/PG_VERSION" ] || return 0
  as_owner "$bin/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
}

# psql on a cluster's socket as the postgres role.
cluster_psql() {
  local base=$1 port=$2
  shift 2
  psql -X -q -v ON_ERROR_STOP=1 -h "$base/sock" -p "$port" -U postgres "$@"
}
