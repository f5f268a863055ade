#!/usr/bin/env bash
# Off-site copies (issue 11), on a local S3 server: tests/s3-fixture, a real s3rver behind the front
# that checks every SigV4 signature (the path every test takes). Measured through the front, and
# for context straight to s3rver and through the front over HTTPS:
#  - upload and download of the benchmark backup (1 GB database + backend, as server.sh) with
#    coffre-cli, against `aws s3 cp --recursive` of the same files (Debian's /usr/bin/aws), in the
#    same run, interleaved, RUNS times: target >= 80 % of aws's throughput, coffre-cli's peak RSS < 200 MB;
#  - listing 1,000 off-site backups (`list --json`): cold (empty manifest cache) < 2 s, cached
#    (the same cache, second run) < 0.2 s.
# Idempotent: starts its own S3 server (S3_BASE, ports S3_PORT to S3_PORT+2) and stops it at the end;
# the benchmark backup is made once in $OUT/repo and reused. CLI=path uses that coffre-cli instead of
# building (e.g. a copy, while the build changes); RUNS=n (default 5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
OUT=${OUT:-/tmp/coffre-bench/offsite}
S3_BASE=${S3_BASE:-/tmp/bench-s3}
S3_PORT=${S3_PORT:-54649}
RUNS=${RUNS:-5}
COUNT=${COUNT:-1000}
AWS=/usr/bin/aws # Debian's, not a pyenv shim that may come first on PATH
[ -x "$AWS" ] || "$root/scripts/deps"
if [ -z "${CLI:-}" ]; then
  "$root/scripts/build" >/dev/null
  CLI=$root/build/bin/coffre-cli
fi
front=http://127.0.0.1:$S3_PORT
direct=http://127.0.0.1:$((S3_PORT + 1))
bucket=coffre-offsite

mkdir -p "$OUT"
rm -rf "$OUT/down" "$OUT/cache" "$OUT/tiny-repo" "$OUT/times"
mkdir -p "$OUT/down" "$OUT/times" "$OUT/config" "$OUT/tiny"
# Only the fixture's credentials: nothing from this shell's AWS settings or ~/.aws.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION \
  AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
export AWS_SHARED_CREDENTIALS_FILE=$S3_BASE/credentials AWS_CONFIG_FILE=$S3_BASE/config
export XDG_CONFIG_HOME=$OUT/config XDG_CACHE_HOME=$OUT/cache/default

# The benchmark backup, made once (as server.sh makes it: the database and the backend sources).
if [ ! -f "$OUT/repo/bench/manifest.json" ]; then
  eval "$("$here/workload.sh")"
  rm -rf "$OUT/repo"
  echo "Making the benchmark backup..." >&2
  "$CLI" create --repository "$OUT/repo" --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=shop" \
    --source "backend=$APP/backend" --name bench >/dev/null
fi
bundle=$OUT/repo/bench
bench_bytes=$(du -sb "$bundle" | cut -f1)
echo x >"$OUT/tiny/a.txt"
"$CLI" create --repository "$OUT/tiny-repo" --source "app=$OUT/tiny" --name seed >/dev/null

# The front's log (one line per request, with its duration) stays in $OUT for a closer look.
trap 'cp "$S3_BASE/front.log" "$OUT/front.log" 2>/dev/null; "$root/tests/s3-fixture/s3-fixture" stop "$S3_BASE" >/dev/null 2>&1 || true' EXIT
"$root/tests/s3-fixture/s3-fixture" start "$S3_BASE" "$S3_PORT" >/dev/null
log=$S3_BASE/front.log

# measure NAME COMMAND...: runs it after a sync, appends "seconds maxrss_kb" to $OUT/times/NAME.
measure() {
  local name=$1
  shift
  sync
  /usr/bin/time -f "%e %M" -o "$OUT/times/last" "$@" >"$OUT/times/last.out" 2>"$OUT/times/last.err" || {
    echo "failed: $*" >&2
    cat "$OUT/times/last.err" >&2
    return 1
  }
  tail -n 1 "$OUT/times/last" >>"$OUT/times/$name"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
seconds() { cut -d' ' -f1 <"$OUT/times/$1" | median; }
fastest() { cut -d' ' -f1 <"$OUT/times/$1" | sort -n | head -n 1; }
all_runs() { cut -d' ' -f1 <"$OUT/times/$1" | paste -sd' ' | sed 's/ /, /g'; }
peak_mb() { cut -d' ' -f2 <"$OUT/times/$1" | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }'; }
# Request lines the front logged since line $1 that match $2: "count summed_seconds most_at_once"
# (each line: time of the answer's end, method, path, status, bytes, duration).
front_requests() {
  tail -n +"$(($1 + 1))" "$log" | grep -F -- "$2" | awk '{
    split($1, t, ":"); end = t[1] * 3600 + t[2] * 60 + t[3]; n++; sum += $6
    print end - $6, 1; print end, -1 } END { print "sum", n, sum }' | sort -k1,1n -k2,2n | awk '
    $1 == "sum" { n = $2; sum = $3; next } { now += $2; if (now > most) most = now }
    END { printf "%d %.2f %d\n", n, sum, most }'
}

# Where the transfers go: the front (the targets), s3rver itself, and the front over HTTPS (as
# every real storage is; fixtures that serve it leave BASE/tls/ca.pem).
wheres="front direct"
[ -f "$S3_BASE/tls/ca.pem" ] && wheres="front direct tls"
endpoint_args() { # endpoint_args WHERE: sets aws_ep and coffre_ep, the tools' options for it
  case $1 in
  front | direct)
    local url=$front
    [ "$1" = direct ] && url=$direct
    aws_ep=(--endpoint-url "$url")
    coffre_ep=(--s3-endpoint "$url") ;;
  tls)
    aws_ep=(--endpoint-url "https://127.0.0.1:$((S3_PORT + 2))" --ca-bundle "$S3_BASE/tls/ca.pem")
    coffre_ep=(--s3-endpoint "https://127.0.0.1:$((S3_PORT + 2))" --s3-ca-file "$S3_BASE/tls/ca.pem") ;;
  esac
}

echo "Transfers of the benchmark backup ($((bench_bytes / 1000000)) MB), $RUNS runs, aws and coffre-cli interleaved ($wheres)..." >&2
for run in $(seq 1 "$RUNS"); do
  # Who goes first alternates: neither always finds the other's dirty pages being written back.
  if [ $((run % 2)) -eq 1 ]; then order="aws coffre"; else order="coffre aws"; fi
  for tool in $order; do
    for where in $wheres; do
      endpoint_args "$where"
      if [ "$tool" = aws ]; then
        measure "up-aws-$where" "$AWS" "${aws_ep[@]}" s3 cp --only-show-errors --recursive "$bundle" "s3://$bucket/aws-$where-$run/bench/"
      elif [ "$where" != direct ]; then
        # Straight to s3rver coffre-cli cannot upload: s3rver lacks ListMultipartUploads (501), which
        # an upload asks first, to abort its own dead uploads; the front fills that gap.
        measure "up-coffre-$where" "$CLI" --repository "$OUT/repo" --offsite "s3://$bucket/coffre-$where-$run" "${coffre_ep[@]}" upload bench
      fi
    done
  done
  for tool in $order; do
    for where in $wheres; do
      endpoint_args "$where"
      if [ "$tool" = aws ]; then
        measure "down-aws-$where" "$AWS" "${aws_ep[@]}" s3 cp --only-show-errors --recursive "s3://$bucket/aws-$where-$run/bench/" "$OUT/down/aws-$where"
      else
        from=coffre-$where-$run
        [ "$where" = direct ] && from=coffre-front-$run
        measure "down-coffre-$where" "$CLI" --repository "s3://$bucket/$from" "${coffre_ep[@]}" download bench --to "$OUT/down/coffre-$where"
      fi
    done
  done
  for folder in "$OUT"/down/*; do
    got=$(du -sb "$folder" | cut -f1)
    # coffre-cli's copy is the bundle itself; aws's, the same files.
    [ "$got" -ge "$bench_bytes" ] || { echo "short download in $folder: $got bytes" >&2; exit 1; }
  done
  rm -rf "$OUT"/down/*
  "$AWS" --endpoint-url "$direct" s3 rm --only-show-errors --recursive "s3://$bucket/" # a small data folder for the next run
done

echo "Making $COUNT off-site backups (one real small bundle, copied under $COUNT names)..." >&2
"$CLI" --repository "$OUT/tiny-repo" --offsite "s3://$bucket/seed" --s3-endpoint "$front" upload seed >/dev/null
/usr/bin/python3 - "$front" "$bucket" seed many "$COUNT" <<'PY'
# Each copy: the seed's files, then its manifest (last, as coffre-cli writes it) naming the copy.
import datetime, json, sys
from concurrent.futures import ThreadPoolExecutor
import botocore.session
from botocore.config import Config
endpoint, bucket, seed, dest, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
s3 = botocore.session.get_session().create_client(
    's3', endpoint_url=endpoint, config=Config(s3={'addressing_style': 'path'}, max_pool_connections=16))
files = {o['Key'][len(seed) + 1:].split('/', 1)[1]: s3.get_object(Bucket=bucket, Key=o['Key'])['Body'].read()
         for o in s3.list_objects_v2(Bucket=bucket, Prefix=seed + '/')['Contents']}
manifest = json.loads(files.pop('manifest.json'))
first = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
stamp = lambda t: t.strftime('%Y-%m-%dT%H:%M:%S.000Z')
def copy(i):
    created = first + datetime.timedelta(hours=i)
    name = created.strftime('backup_%Y%m%d_%H%M%S')
    for path, body in files.items():
        s3.put_object(Bucket=bucket, Key=f'{dest}/{name}/{path}', Body=body)
    copied = dict(manifest, name=name, created=stamp(created), finished=stamp(created + datetime.timedelta(seconds=2)))
    s3.put_object(Bucket=bucket, Key=f'{dest}/{name}/manifest.json', Body=json.dumps(copied, indent=4).encode())
with ThreadPoolExecutor(8) as pool:
    list(pool.map(copy, range(count)))
PY

check_listing() {
  local complete
  complete=$(grep -c '"status": "complete"' "$OUT/times/last.out" || true)
  [ "$complete" -eq "$COUNT" ] || { echo "the listing shows $complete complete backups of $COUNT" >&2; exit 1; }
}
echo "Listing $COUNT off-site backups, $RUNS times cold and cached, through the front and straight to s3rver..." >&2
for run in $(seq 1 "$RUNS"); do
  for where in front direct; do
    if [ "$where" = front ]; then endpoint=$front; else endpoint=$direct; fi
    cache=$OUT/cache/$where-$run
    rm -rf "$cache"
    before=$(wc -l <"$log")
    measure "list-cold-$where" env XDG_CACHE_HOME="$cache" "$CLI" --repository "s3://$bucket/many" --s3-endpoint "$endpoint" list --json
    check_listing
    [ "$where" = front ] && read -r cold_lists cold_list_s _ < <(front_requests "$before" "list-type=2") &&
      read -r cold_gets cold_get_s cold_get_most < <(front_requests "$before" "/manifest.json")
    before=$(wc -l <"$log")
    measure "list-cached-$where" env XDG_CACHE_HOME="$cache" "$CLI" --repository "s3://$bucket/many" --s3-endpoint "$endpoint" list --json
    check_listing
    [ "$where" = front ] && read -r cached_lists cached_list_s _ < <(front_requests "$before" "list-type=2") &&
      read -r cached_gets _ _ < <(front_requests "$before" "/manifest.json")
    # What the window shows first and `list --cached` answers: the last listing, from this computer.
    measure "list-local-$where" env XDG_CACHE_HOME="$cache" "$CLI" --repository "s3://$bucket/many" --s3-endpoint "$endpoint" list --cached --json
    check_listing
  done
  measure list-aws-front "$AWS" --endpoint-url "$front" s3api list-objects-v2 --bucket "$bucket" --prefix many/ --output json
  keys=$(grep -c '"Key"' "$OUT/times/last.out")
done

verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "<") ? v < t : v >= t; print ok ? "met" : "MISSED" }'; }
mbs() { awk -v b="$bench_bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
pct() { awk -v a="$1" -v c="$2" 'BEGIN { printf "%.0f", 100 * a / c }'; }

echo
echo "Off-site (issue 11) on s3rver behind the signature-checking front ($front; s3rver itself on $direct)."
echo "Times: median of $RUNS runs (fastest in brackets); throughput from the medians."
printf '%-44s %-28s %-28s %-10s %s\n' "" "aws s3 cp --recursive" "coffre-cli" "coffre/aws" "target"
for dir in up down; do
  for where in $wheres; do
    aws_s=$(seconds "$dir-aws-$where")
    label="$([ $dir = up ] && echo upload || echo download) of the benchmark backup, $where"
    if [ -s "$OUT/times/$dir-coffre-$where" ]; then
      coffre_s=$(seconds "$dir-coffre-$where")
      ratio=$(pct "$aws_s" "$coffre_s")
      printf '%-44s %-28s %-28s %-10s %s\n' "$label" \
        "$aws_s s [$(fastest "$dir-aws-$where")] $(mbs "$aws_s") MB/s" \
        "$coffre_s s [$(fastest "$dir-coffre-$where")] $(mbs "$coffre_s") MB/s" "$ratio %" \
        "$([ $where = front ] && echo ">= 80 %: $(verdict "$ratio" 80 '>=')" || echo "(context)")"
    else
      printf '%-44s %-28s %-28s %-10s %s\n' "$label" "$aws_s s [$(fastest "$dir-aws-$where")] $(mbs "$aws_s") MB/s" \
        "n/a (s3rver: no ListMultipartUploads)" "" "(context)"
    fi
  done
done
for name in "$OUT"/times/up-* "$OUT"/times/down-*; do
  name=$(basename "$name")
  printf '  every run, %-20s %s s; peak RSS %s MB\n' "$name:" "$(all_runs "$name")" "$(peak_mb "$name")"
done
peak=$(cat "$OUT"/times/up-coffre-* "$OUT"/times/down-coffre-* | cut -d' ' -f2 | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }')
echo "coffre-cli peak RSS over every upload and download: $peak MB (target < 200 MB: $(verdict "$peak" 200 '<'))"
echo
for where in front direct; do
  cold=$(seconds "list-cold-$where")
  cached=$(seconds "list-cached-$where")
  note=""
  [ "$where" = direct ] && note=" (context)"
  echo "list --json of $COUNT off-site backups, $where: cold $cold s [$(fastest "list-cold-$where")] (target < 2 s$( [ $where = front ] && echo ": $(verdict "$cold" 2 '<')"))," \
    "cached $cached s [$(fastest "list-cached-$where")] (target < 0.2 s$( [ $where = front ] && echo ": $(verdict "$cached" 0.2 '<')"))$note;" \
    "peak RSS $(peak_mb "list-cold-$where") MB"
  echo "  every run: cold $(all_runs "list-cold-$where") s; cached $(all_runs "list-cached-$where") s"
  echo "  from this computer's copy (list --cached, what the window shows first): $(seconds "list-local-$where") s" \
    "[$(fastest "list-local-$where")] (target < 0.2 s: $(verdict "$(seconds "list-local-$where")" 0.2 '<'))"
done
echo "  last runs through the front, as the front logged them: cold $cold_lists LIST pages (${cold_list_s} s) + $cold_gets manifest GETs" \
  "(${cold_get_s} s summed, at most $cold_get_most at once); cached $cached_lists LIST pages (${cached_list_s} s) + $cached_gets manifest GETs"
echo "  aws s3api list-objects-v2 of the same $keys keys through the front: $(seconds list-aws-front) s [$(fastest list-aws-front)]"
