#!/usr/bin/env bash
# Issue 14: a database-only `coffre-cli restore` of the benchmark backup against `pg_restore -j2`
# of an uncompressed custom dump read from a local file (made beforehand, not timed: the best case
# for pg_restore, its data offsets set), in one run. Also measured: the peak extra disk space in
# the repository while the restore runs (sampled every 50 ms) and coffre-cli's peak RSS.
# Targets: time <= 1.2 x pg_restore; extra disk < 5 % of the uncompressed dump; RSS < 300 MB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
OUT=${OUT:-/tmp/coffre-bench/run}
[ -f "$OUT/repo/bench/manifest.json" ] || OUT=$OUT "$here/create.sh" >/dev/null
repo=$OUT/repo
plain=/tmp/coffre-bench/plain.dump
source "$here/settle.sh"
measure() { /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null; cat "$OUT/time.txt"; }

for db in shop_pgrestore shop_streamed; do dropdb --if-exists "$db"; done
for db in $(psql -X -d postgres -Atc "select datname from pg_database where datname like 'shop_streamed%'"); do dropdb "$db"; done
pg_dump -Fc -Z0 -d shop -f "$plain"
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
read -r coffre_s coffre_kb < <(measure "$root/build/bin/coffre-cli" restore bench --repository "$repo" \
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
for db in $(psql -X -d postgres -Atc "select datname from pg_database where datname like 'shop_streamed_before%' or datname = 'shop_pgrestore'"); do dropdb "$db"; done
