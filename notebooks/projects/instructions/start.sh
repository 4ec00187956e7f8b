#!/bin/sh
# Run by CMD when the container starts.
echo "== RUN (shell form) left:"
cat /shell-form.txt
echo "== RUN (exec form) made the folder:"
ls /exec-form
echo "== ADD unpacked the local tar:"
find /opt/added -type f
echo "== COPY copied the tar as it is:"
find /opt/copied -type f
echo "== processes in this container (PID: command):"
for p in /proc/[0-9]*; do
  cmd=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)
  [ -n "$cmd" ] && echo "${p#/proc/}: $cmd"
done
