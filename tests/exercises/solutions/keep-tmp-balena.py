# Reference solution of the exercise keep-tmp-balena.
# %% [answer-start-script]
START_SH = """\
#!/bin/sh
# Clean up what earlier runs left in /tmp, but keep /tmp/balena (update locks).
for entry in /tmp/* /tmp/.[!.]*; do
  [ -e "$entry" ] || continue
  [ "$entry" = /tmp/balena ] && continue
  rm -rf "$entry"
done
echo "ready"
"""
