#!/usr/bin/env bash
# A server over ssh (issue 10), on the loopback through a real OpenSSH server (tests/ssh-fixture)
# whose sessions see the benchmark cluster:
#  - listing 500 backups of the server once the connection is up (target < 1 s);
#  - downloading the benchmark backup (1 GB database) to this computer with coffre-cli, against
#    scp of the same files in the same run (target >= 80 % of scp's throughput).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
eval "$("$here/workload.sh")"
"$root/scripts/build" >/dev/null
OUT=${OUT:-/tmp/coffre-bench/server}
SSH_BASE=$OUT/sshd
export XDG_RUNTIME_DIR=/tmp/cbsrt # short: ssh's connection sockets go there
rm -rf "$OUT" "$XDG_RUNTIME_DIR"; mkdir -p "$OUT" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
trap '"$root/tests/ssh-fixture" stop "$SSH_BASE" "$XDG_RUNTIME_DIR" >/dev/null 2>&1 || true' EXIT
"$root/tests/ssh-fixture" start "$SSH_BASE" "$XDG_RUNTIME_DIR" 54777 "$(dirname "$PGHOST")" "$PGPORT" >/dev/null
cli=$root/build/bin/coffre-cli
server=(--server coffre-test --ssh-config "$SSH_BASE/ssh_config" --server-cli "$cli")

echo "Making 500 backups on the server side and the benchmark backup (about a minute)..."
mkdir -p "$OUT/tiny/src" "$OUT/server-repo" "$OUT/desktop-repo" "$OUT/scp"
echo "x" > "$OUT/tiny/src/a.txt"
for i in $(seq -w 1 499); do
  "$cli" create --repository "$OUT/server-repo" --source "app=$OUT/tiny/src" --name "tiny_$i" >/dev/null
done
"$cli" create --repository "$OUT/server-repo" --db "host=$PGHOST port=$PGPORT user=postgres dbname=shop" \
  --source "backend=$APP/backend" --name bench >/dev/null
bench_bytes=$(du -sb "$OUT/server-repo/bench" | cut -f1)

"$cli" "${server[@]}" version >/dev/null # the shared connection is up from here
start=$(date +%s.%N)
count=$("$cli" "${server[@]}" --repository "$OUT/server-repo" list --json | grep -c '"name"')
list_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
start=$(date +%s.%N)
"$cli" "${server[@]}" --repository "$OUT/server-repo" scan --json >/dev/null
scan_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "list of $count backups over ssh: $list_s s; scan (every manifest, what the window asks): $scan_s s (target < 1 s)"

# The server profile names the repository for download (a server-side --repository would be the desktop's).
mkdir -p "$SSH_BASE/server/config/coffre/profiles"
cat > "$SSH_BASE/server/config/coffre/profiles/bench.json" <<JSON
{"name": "bench", "database": {"dbname": "shop"}, "sources": [{"label": "backend", "path": "$APP/backend"}],
 "exclusions": [], "repository": "$OUT/server-repo", "post_restore_commands": [], "password_in_keychain": false}
JSON
sync
start=$(date +%s.%N)
scp -q -r -F "$SSH_BASE/ssh_config" "coffre-test:$OUT/server-repo/bench" "$OUT/scp/"
scp_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
sync
start=$(date +%s.%N)
"$cli" "${server[@]}" --server-profile bench --repository "$OUT/desktop-repo" download bench >/dev/null
coffre_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
awk -v bytes="$bench_bytes" -v scp="$scp_s" -v coffre="$coffre_s" 'BEGIN {
  printf "download of the benchmark backup (%d MB): scp %.2f s (%.0f MB/s), coffre-cli download %.2f s (%.0f MB/s, checksums verified): %.0f %% of scp (target >= 80 %%)\n",
    bytes / 1e6, scp, bytes / 1e6 / scp, coffre, bytes / 1e6 / coffre, 100 * scp / coffre }'

echo "The real window on the server profile under a real X server (Xvfb, xcb): create and restore on the server, each also canceled:"
xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb QT_LOGGING_RULES="coffre.*.info=false" \
  "$root/build/bench/gui-responsiveness" --repository "$OUT/server-repo" --db "host=$PGHOST port=$PGPORT user=postgres dbname=shop" \
  --server coffre-test --ssh-config "$SSH_BASE/ssh_config" --server-cli "$cli" --server-profile bench
