#!/usr/bin/env bash
# Issue 14: a database-only `coffre-cli restore` of the benchmark backup against `pg_restore -j2`
# of an uncompressed custom dump read from a local file (made beforehand, not timed: the best case
# for pg_restore, its data offsets set), in one run. Also measured: the peak extra disk space in
# the repository while the restore runs (sampled every 50 ms) and coffre-cli's peak RSS.
# Targets: time <= 1.2 x pg_restore; extra disk < 5 % of the uncompressed dump; RSS < 300 MB.
# `restore-db.sh one-table`: the same on a database whose data is nearly all one table (`events`,
# with pgbench's small tables), where a second connection loads the table's tail (DECISIONS 73);
# also checks that the table's rows come back in the original's physical order.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
OUT=${OUT:-/tmp/coffre-bench/run}
if [ "${1:-}" = one-table ]; then
  source_db=shop_one repo=$OUT/one-repo name=one
  if ! psql -X -d postgres -Atc "select 1 from pg_database where datname = 'shop_one'" | grep -q 1; then
    dropdb --if-exists shop_one_building
    createdb -T shop shop_one_building
    psql -X -q -v ON_ERROR_STOP=1 -d shop_one_building -c "drop table pages, pgbench_accounts"
    psql -X -q -d postgres -c "alter database shop_one_building rename to shop_one"
  fi
  [ -f "$repo/$name/manifest.json" ] || "$root/build/bin/coffre-cli" create --repository "$repo" --name "$name" \
    --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$source_db" >/dev/null
else
  source_db=shop repo=$OUT/repo name=bench
  [ -f "$repo/$name/manifest.json" ] || OUT=$OUT "$here/create.sh" >/dev/null
fi
plain=/tmp/coffre-bench/plain.dump
source "$here/settle.sh"
measure() { /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null; cat "$OUT/time.txt"; }

for db in shop_pgrestore shop_streamed; do dropdb --if-exists "$db"; done
for db in $(psql -X -d postgres -Atc "select datname from pg_database where datname like 'shop_streamed%'"); do dropdb "$db"; done
pg_dump -Fc -Z0 -d "$source_db" -f "$plain"
plain_bytes=$(stat -c %s "$plain")
createdb shop_pgrestore
settle
read -r pg_s pg_kb < <(measure pg_restore -j2 --exit-on-error -d shop_pgrestore "$plain")
rm -f "$plain"

createdb shop_streamed # an existing database to replace, as in real life
before=$(du -sb "$repo" | cut -f1)
rm -f "$OUT/peak.txt"
(
  peak=0
  while :; do
    now=$(du -sb "$repo" 2>/dev/null | cut -f1 || echo 0)
    [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" >"$OUT/peak.txt"
    sleep 0.05
  done
) &
sampler=$!
settle
read -r coffre_s coffre_kb < <(measure "$root/build/bin/coffre-cli" restore "$name" --repository "$repo" \
  --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=shop_streamed" --only database --confirm OUI)
kill "$sampler"; wait "$sampler" 2>/dev/null || true
peak=$(cat "$OUT/peak.txt" 2>/dev/null || echo "$before")
extra=$((peak - before))

rows_a=$(psql -X -d shop_pgrestore -Atc "select count(*) from events")
rows_b=$(psql -X -d shop_streamed -Atc "select count(*) from events")
ratio=$(awk -v a="$coffre_s" -v b="$pg_s" 'BEGIN { printf "%.3f", a / b }')
share=$(awk -v a="$extra" -v b="$plain_bytes" 'BEGIN { printf "%.2f", 100 * a / b }')
printf '%-44s %8s s %8s MB peak\n' "pg_restore -j2, uncompressed local file" "$pg_s" "$((pg_kb / 1024))"
printf '%-44s %8s s %8s MB peak\n' "coffre-cli restore --only database" "$coffre_s" "$((coffre_kb / 1024))"
echo "ratio: $ratio (target <= 1.2); extra disk in the repository: $extra bytes = $share % of the $plain_bytes-byte dump (target < 5 %)"
echo "events rows: pg_restore $rows_a, coffre $rows_b"
# The rows in the order a sequential scan returns them (their physical order), as one md5.
in_order() { psql -X -q -d "$1" -Atc "set max_parallel_workers_per_gather = 0; select md5(string_agg(id::text || payload::text, ',')) from events"; }
echo "events in physical order: $source_db $(in_order "$source_db"), pg_restore $(in_order shop_pgrestore), coffre $(in_order shop_streamed)"
for db in $(psql -X -d postgres -Atc "select datname from pg_database where datname like 'shop_streamed_before%' or datname = 'shop_pgrestore'"); do dropdb "$db"; done
