#!/usr/bin/env bash
# Times `coffre-cli restore` against the seed-style restore (seed-restore.sh), in one run, on the
# bundles create.sh made of the same data. Targets: at most 0.5 x the baseline (issue 4), 0.4 x
# since the dump is streamed (issue 14).
# Coffre does more: it checks every checksum first, restores into a new database with parallel
# pg_restore, compares every table's row count, then swaps names and keeps the old state.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
OUT=${OUT:-/tmp/coffre-bench/run}
[ -f "$OUT/seed/backup_seed.tar.gz" ] && [ -f "$OUT/repo/bench/manifest.json" ] || OUT=$OUT "$here/create.sh" >/dev/null
target=/tmp/coffre-bench/restore-coffre
rm -rf "$target"; mkdir -p "$target/backend" "$target/frontend"
for db in $(psql -X -d postgres -Atc "select datname from pg_database where datname like 'shop_coffre%'"); do dropdb "$db"; done
createdb shop_coffre # an existing database to replace, as in real life

source "$here/settle.sh"
measure() { /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null; cat "$OUT/time.txt"; }
settle_deletions "$target"
# Coffre first: it deletes nothing, where the baseline ends by deleting its copies (which would
# slow the next run's file creation, above).
settle
read -r coffre_s coffre_kb < <(measure "$root/build/bin/coffre-cli" restore bench --repository "$OUT/repo" \
  --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=shop_coffre" \
  --source "backend=$target/backend" --source "frontend=$target/frontend" --confirm OUI)
settle
read -r seed_s seed_kb < <(measure "$here/seed-restore.sh" "$OUT/seed")
rows=$(psql -X -d shop_coffre -Atc "select count(*) from events")
ratio=$(awk -v a="$coffre_s" -v b="$seed_s" 'BEGIN { printf "%.3f", a / b }')
printf '%-34s %8s s %8s MB peak\n' "seed-style restore.sh (baseline)" "$seed_s" "$((seed_kb / 1024))"
printf '%-34s %8s s %8s MB peak\n' "coffre-cli restore" "$coffre_s" "$((coffre_kb / 1024))"
echo "ratio: $ratio (target <= 0.4); events restored: $rows"
