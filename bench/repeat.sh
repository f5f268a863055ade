#!/usr/bin/env bash
# What a repeat costs (issue 12, "cheap repeats"): backups of the benchmark tree (backend and
# frontend, with the usual exclusions), the second with nothing changed, the third with one
# changed small file, the fourth with one changed large file; against borg and restic in the
# same run, on the same tree (both installed here, for the bench only). Prints each run's wall
# time and what it added to its repository (du -sb, hard links counted once).
# Targets: an unchanged tree adds < 1 MB and takes no longer than borg's second run; one
# changed file adds about that file's compressed size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
"$root/scripts/build" >/dev/null
command -v borg >/dev/null && command -v restic >/dev/null || {
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends borgbackup restic >/dev/null
}
OUT=${OUT:-/tmp/coffre-bench/repeat}
rm -rf "$OUT"; mkdir -p "$OUT"
TREE=$OUT/tree
# A copy the bench may change, on the same disk as the repositories.
cp -a "$APP" "$TREE"
small=$(find "$TREE/backend" -path '*/node_modules' -prune -o -type f -size -16k -name '*.h' -print -quit)
large=$(find "$TREE/frontend" -path '*/node_modules' -prune -o -path '*/.next' -prune -o -path '*/dist' -prune -o -type f -size +1M -print -quit)
excludes=(node_modules .next dist '*.log' .env.local)

coffre() { "$root/build/bin/coffre-cli" create --repository "$OUT/coffre" --source "backend=$TREE/backend" --source "frontend=$TREE/frontend" --name "$1" >/dev/null; }
borg_run() {
  local args=(); for e in "${excludes[@]}"; do args+=(--exclude "sh:**/$e"); done
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes borg create --compression zstd,3 "${args[@]}" "$OUT/borg::$1" "$TREE/backend" "$TREE/frontend"
}
restic_run() {
  local args=(); for e in "${excludes[@]}"; do args+=(--exclude "$e"); done
  RESTIC_PASSWORD=bench restic -q -r "$OUT/restic" backup "${args[@]}" "$TREE/backend" "$TREE/frontend" >/dev/null
}
BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes borg init -e none "$OUT/borg"
RESTIC_PASSWORD=bench restic -q -r "$OUT/restic" init >/dev/null
mkdir -p "$OUT/coffre"

# run TOOL STEP: prints "seconds added_bytes"
run() {
  local repo=$OUT/$1 before after start end
  sync; before=$(du -sb "$repo" | cut -f1)
  start=$(date +%s.%N)
  case $1 in coffre) coffre "$2" ;; borg) borg_run "$2" ;; restic) restic_run "$2" ;; esac
  end=$(date +%s.%N); sync
  after=$(du -sb "$repo" | cut -f1)
  printf '%s %s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')" "$((after - before))"
}

printf '%-28s %10s %14s %10s %14s %10s %14s\n' step "coffre s" "coffre added" "borg s" "borg added" "restic s" "restic added"
step() { # step NAME
  read -r cs cb < <(run coffre "$1"); read -r bs bb < <(run borg "$1"); read -r rs rb < <(run restic "$1")
  printf '%-28s %10s %14s %10s %14s %10s %14s\n' "$1" "$cs" "$cb" "$bs" "$bb" "$rs" "$rb"
}
step first
step unchanged
echo "// changed by bench/repeat.sh" >> "$small"
step one-small-file-changed
printf 'changed' | dd of="$large" bs=1 seek=1000 conv=notrunc status=none
step one-large-file-changed
echo "small file: $small ($(stat -c %s "$small") bytes, $(zstd -3 -c "$small" | wc -c) compressed)"
echo "large file: $large ($(stat -c %s "$large") bytes, $(zstd -3 -c "$large" | wc -c) compressed)"
