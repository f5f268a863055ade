#!/usr/bin/env bash
# The baseline restore: what seed 000's restore.sh does with seed-backup.sh's archive:
# decompress, safety copies of the code, createdb + pg_restore, copy the code back.
set -euo pipefail
OUT=${1:?out dir}; TARGET=${TARGET:-/tmp/coffre-bench/restore-seed}
rm -rf "$OUT/backup_seed"; tar xzf "$OUT/backup_seed.tar.gz" -C "$OUT"
mkdir -p "$TARGET"; ts=$(date +%Y%m%d_%H%M%S)
for d in backend frontend; do [ -d "$TARGET/$d" ] && mv "$TARGET/$d" "$TARGET/$d.before_restore_$ts"; cp -a "$OUT/backup_seed/$d" "$TARGET/$d"; done
dropdb --if-exists shop_restored; createdb shop_restored
pg_restore -d shop_restored "$OUT/backup_seed/database.dump"
rm -rf "$OUT/backup_seed" "$TARGET"/*.before_restore_*
