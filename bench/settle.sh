# Sourced by the restore benchmarks.
# Before each measured run: the previous run's writes flushed and its autovacuum (analyzing 3
# million new rows) finished, so that neither run pays for the other.
settle() {
  psql -X -q -d postgres -c checkpoint
  sync
  for _ in $(seq 120); do
    [ "$(psql -X -d postgres -Atc "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")" = 0 ] && break
    sleep 0.5
  done
}
