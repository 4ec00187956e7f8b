#!/usr/bin/env bash
# Install balena's own builder, @balena/compose, as the differential-test oracle.
#
# Puts it under .cache/oracle/ (gitignored). Idempotent: when the pinned
# version is already there it returns at once without touching the network.
# Usage: scripts/install-oracle.sh   (needs node >= 18 and npm)
set -euo pipefail

VERSION="8.0.5"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.cache/oracle"
PKG="$DEST/node_modules/@balena/compose/package.json"

if [ -f "$PKG" ] && grep -q "\"version\": \"$VERSION\"" "$PKG"; then
    echo "oracle: @balena/compose@$VERSION already in $DEST"
    exit 0
fi

command -v npm >/dev/null || { echo "oracle: npm not found; install Node.js 20" >&2; exit 1; }
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{"name": "balena-lab-oracle", "private": true}' > "$DEST/package.json"
# --ignore-scripts: no install hooks needed; only the JavaScript in dist/ is used.
npm install --prefix "$DEST" --no-audit --no-fund --ignore-scripts --omit=dev \
    "@balena/compose@$VERSION"
echo "oracle: installed @balena/compose@$VERSION in $DEST"
