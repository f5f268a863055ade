#!/usr/bin/env bash
# The baseline: what seed 000's users run today (its backup.sh, compression answered "oui"):
# pg_dump in custom and plain formats, rsync of the code with the seed's exclusions, then
# tar czf of it all. Uses PGHOST/PGPORT/PGUSER and APP from workload.sh.
set -euo pipefail
OUT=${1:?out dir}
B="$OUT/backup_seed"; rm -rf "$B" "$B.tar.gz"; mkdir -p "$B"
pg_dump -Fc shop >"$B/database.dump"
pg_dump shop >"$B/database.sql"
for d in backend frontend; do
  rsync -a --exclude=node_modules --exclude=.next --exclude=dist --exclude='*.log' --exclude=.env.local "$APP/$d/" "$B/$d/"
done
echo "date: $(date)" >"$B/backup_info.txt"
tar czf "$B.tar.gz" -C "$OUT" backup_seed && rm -rf "$B"
