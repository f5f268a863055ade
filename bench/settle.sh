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

# ext4 without a journal (this machine's disk: nothing in /proc/fs/jbd2) passes over every inode
# freed in the last minutes each time it creates a file (fs/ext4/ialloc.c, recently_deleted: 60 s,
# 6 minutes while the inode table block is dirty). Right after the previous run's trees were
# removed, a restore's folders took 9 s to create instead of 2.5 s. On such a disk, wait that out.
settle_deletions() {
  local device
  device=$(df --output=source "$1" | tail -n 1)
  if [ -d /proc/fs/ext4/"${device##*/}" ] && [ -z "$(ls /proc/fs/jbd2 2>/dev/null | grep "^${device##*/}-")" ]; then
    echo "ext4 without a journal: waiting 6 minutes for the files just removed to age" >&2
    sync
    sleep 370
  fi
}
