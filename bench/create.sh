#!/usr/bin/env bash
# Times `coffre-cli create` against the seed-style baseline (seed-backup.sh), on the same data,
# in the same run; prints both, the ratio, the sizes and coffre-cli's peak memory, then the
# GUI thread's longest stall while the real window runs the same backup.
# Targets (issue 3): wall time <= 0.2 x the baseline, bundle <= the seed's .tar.gz, peak RSS < 200 MB,
# GUI thread never stalls more than 50 ms.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
"$root/scripts/build" >/dev/null
OUT=${OUT:-/tmp/coffre-bench/run}
rm -rf "$OUT"; mkdir -p "$OUT"
db="host=$PGHOST port=$PGPORT user=$PGUSER dbname=shop"
sources=(--source "backend=$APP/backend" --source "frontend=$APP/frontend")

measure() { # measure LABEL COMMAND...: prints "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >/dev/null
  cat "$OUT/time.txt"
}

sync
read -r seed_s seed_kb < <(measure "$here/seed-backup.sh" "$OUT/seed")
seed_bytes=$(stat -c %s "$OUT/seed/backup_seed.tar.gz")
sync
read -r coffre_s coffre_kb < <(measure "$root/build/bin/coffre-cli" create --repository "$OUT/repo" --db "$db" "${sources[@]}" --name bench)
coffre_bytes=$(du -sb "$OUT/repo/bench" | cut -f1)

ratio=$(awk -v a="$coffre_s" -v b="$seed_s" 'BEGIN { printf "%.3f", a / b }')
printf '%-34s %8s s %10s MB %8s MB peak\n' "seed-style backup.sh (baseline)" "$seed_s" "$((seed_bytes / 1000000))" "$((seed_kb / 1024))"
printf '%-34s %8s s %10s MB %8s MB peak\n' "coffre-cli create" "$coffre_s" "$((coffre_bytes / 1000000))" "$((coffre_kb / 1024))"
echo "ratio: $ratio (target <= 0.2)   size: $coffre_bytes vs $seed_bytes bytes   peak RSS: $((coffre_kb / 1024)) MB (target < 200)"
"$root/build/bin/coffre-cli" list --repository "$OUT/repo" | head -3

rm -rf "$OUT/gui"
echo "The real window under a real X server (Xvfb, xcb):"
xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb QT_LOGGING_RULES="coffre.*.info=false" \
  "$root/build/bench/gui-responsiveness" --repository "$OUT/gui" --db "$db" "${sources[@]}"
