#!/usr/bin/env bash
# Builds the benchmark workload once per machine (like seed 000's users' data, at scale):
#  - a private PostgreSQL cluster (port 5498, unix socket) with a database "shop" of about 1 GB:
#    pgbench tables at scale 30, 3 million JSON events, and ~20,000 real text files in a table;
#  - a web-app tree of ~700 MB in $APP (backend/ and frontend/), most of it node_modules, .next,
#    dist and *.log that backups must leave out.
# Prints the environment the other bench scripts use. Idempotent: a second run reuses both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/pgcluster.sh"
"$here/../scripts/deps"
command -v rsync >/dev/null && command -v /usr/bin/time >/dev/null && command -v xdotool >/dev/null || {
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends rsync time xdotool >/dev/null
}

if [ "$(id -u)" -eq 0 ]; then BENCH_PG=${BENCH_PG:-/var/lib/coffre-bench}; else BENCH_PG=${BENCH_PG:-$HOME/.local/share/coffre-bench/pg}; fi
BENCH_PORT=${BENCH_PORT:-5498}
APP=${APP:-/tmp/coffre-bench/app}
SCALE=${SCALE:-30}
mkdir -p "$BENCH_PG"
cluster_start "$BENCH_PG" "$BENCH_PORT" </dev/null
export PGHOST=$BENCH_PG/sock PGPORT=$BENCH_PORT PGUSER=postgres

if ! psql -X -d postgres -Atc "select 1 from pg_database where datname = 'shop'" | grep -q 1; then
  # Built under another name and renamed at the end: an interrupted build is never taken for the workload.
  echo "Building the shop database (a few minutes)..." >&2
  dropdb --if-exists shop_building
  createdb shop_building
  "$(pg_bindir)/pgbench" -q -i -s "$SCALE" shop_building >/dev/null 2>&1
  psql -X -q -v ON_ERROR_STOP=1 -d shop_building -c "create table pages(id serial primary key, path text, body text)"
  "$here/realdata.py" | psql -X -q -v ON_ERROR_STOP=1 -d shop_building -c "\\copy pages(path, body) from stdin"
  psql -X -q -v ON_ERROR_STOP=1 -d shop_building -c "create table events(id bigserial primary key, user_id int, amount numeric(12,2), at timestamptz, kind text, payload jsonb)"
  psql -X -q -v ON_ERROR_STOP=1 -d shop_building -c "insert into events(user_id, amount, at, kind, payload) select (random()*100000)::int, round((random()*1000)::numeric,2),
  now() - random()*interval '900 days', (array['order','refund','login','view','cart'])[1+(random()*4)::int],
  jsonb_build_object('ip', (random()*255)::int||'.'||(random()*255)::int, 'ua', md5(random()::text), 'qty', (random()*10)::int)
from generate_series(1,3000000)"
  psql -X -q -d shop_building -c "vacuum analyze"
  psql -X -q -d postgres -c "alter database shop_building rename to shop"
fi

if [ ! -d "$APP" ]; then
  echo "Building the web-app tree in $APP..." >&2
  mkdir -p "$APP"/backend/src "$APP"/frontend/src "$APP"/backend/node_modules "$APP"/frontend/node_modules \
    "$APP"/frontend/.next "$APP"/backend/dist "$APP"/backend/prisma/migrations/20250101_init
  cp -r /usr/include/. "$APP"/backend/src/ 2>/dev/null || true
  cp -r /usr/share/doc/. "$APP"/frontend/src/ 2>/dev/null || true
  cp -r /usr/lib/python3/. "$APP"/backend/node_modules/ 2>/dev/null || true
  cp -r /usr/share/locale/. "$APP"/frontend/node_modules/ 2>/dev/null || true
  cp -r /usr/share/i18n/. "$APP"/frontend/.next/ 2>/dev/null || true
  for i in $(seq 1 50); do head -c 200000 /dev/urandom | base64 >"$APP/backend/app$i.log"; done
  printf 'DATABASE_URL=postgres://shop\nSECRET=x\n' >"$APP"/backend/.env
  printf 'SECRET=local\n' >"$APP"/backend/.env.local
  echo '{"name":"backend"}' >"$APP"/backend/package.json
  echo 'model User { id Int @id }' >"$APP"/backend/prisma/schema.prisma
  echo 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);' >"$APP"/backend/prisma/migrations/20250101_init/migration.sql
fi
echo "db: $(psql -X -d shop -Atc "select pg_size_pretty(pg_database_size('shop'))")  tree: $(du -sh "$APP" | cut -f1) ($(find "$APP" -type f | wc -l) files)" >&2
echo "export PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER APP=$APP"
