#!/bin/sh
# /data is the resin-data named volume: it outlives the container.
count=$(cat /data/starts 2>/dev/null || echo 0)
count=$((count + 1))
echo "$count" > /data/starts
echo "this service has started $count time(s)"
echo "files in the image: $(ls -A /usr/src/app | tr '\n' ' ')"
