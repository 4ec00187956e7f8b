#!/bin/sh
# A service with critical work: it takes the update lock, works, releases it.
# `set -C` (noclobber) makes `: > FILE` an exclusive create (O_CREAT|O_EXCL), as
# lockfile(1) does; a plain `touch` would not be a lock.  Every line also goes to
# /data/journal, which outlives each release's container.
say() { echo "release $RELEASE: $*"; echo "release $RELEASE: $*" >> /data/journal; }
trap 'say "stopped (SIGTERM)"; exit 0' TERM
lock=/tmp/balena/updates.lock
if (set -C; : > "$lock") 2>/dev/null; then
  say "took $lock"
else
  say "$lock is busy"
fi
if [ "$TIDY_TMP_BALENA" = 1 ]; then
  # The mistake the page warns about: a start-up script that "cleans" /tmp/balena.
  say "start-up clean-up: rm -rf /tmp/balena"
  rm -rf /tmp/balena 2>&1 | while read -r line; do say "$line"; done
fi
say "critical work for $HOLD_SECONDS s, do not update me now"
sleep "$HOLD_SECONDS" & wait $!
rm -f "$lock"
say "work done, lock released"
while :; do sleep 1 & wait $!; done
