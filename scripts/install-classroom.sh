#!/usr/bin/env bash
# Install the class server: a venv every learner can run, with balena_lab,
# JupyterLab, JupyterHub and the project's kernel, and JupyterHub's proxy
# (configurable-http-proxy, from npm) beside it.
#
# Usage (as root): scripts/install-classroom.sh [PREFIX]   (default /opt/balena-lab)
#
# Why not the project's .venv: JupyterHub starts each learner's server as that
# learner, and the .venv's Python may live where learners cannot go (a pyenv
# Python under /root, mode 700).  This venv is made from Debian's own
# /usr/bin/python3 and installed as a copy (not editable), all world-readable.
# Re-running it updates balena_lab and leaves the rest as it is.
set -euo pipefail

PREFIX="${1:-/opt/balena-lab}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${CLASS_PYTHON:-/usr/bin/python3}"
PROXY_VERSION="5.3.0"
umask 022

[ "$(id -u)" = 0 ] || { echo "classroom: run as root (it installs under $PREFIX)" >&2; exit 1; }
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
    || { echo "classroom: $PYTHON must be Python 3.11 or newer" >&2; exit 1; }

mkdir -p "$PREFIX"
if [ ! -x "$PREFIX/venv/bin/python" ]; then
    echo "classroom: making $PREFIX/venv from $PYTHON"
    "$PYTHON" -m venv "$PREFIX/venv"
    "$PREFIX/venv/bin/python" -m pip install --quiet --upgrade pip
fi
echo "classroom: installing balena_lab with JupyterHub into $PREFIX/venv"
"$PREFIX/venv/bin/python" -m pip install --quiet "$ROOT[classroom]"
"$PREFIX/venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$ROOT"
"$PREFIX/venv/bin/python" -m ipykernel install --sys-prefix --name balena-lab \
    --display-name "Python (balena-lab)" >/dev/null

PROXY="$PREFIX/proxy/node_modules/.bin/configurable-http-proxy"
if [ -x "$PROXY" ] && grep -q "\"version\": \"$PROXY_VERSION\"" \
        "$PREFIX/proxy/node_modules/configurable-http-proxy/package.json"; then
    echo "classroom: configurable-http-proxy $PROXY_VERSION already in $PREFIX/proxy"
else
    command -v npm >/dev/null || { echo "classroom: npm not found; install Node.js 20" >&2; exit 1; }
    echo "classroom: installing configurable-http-proxy $PROXY_VERSION from npm"
    npm install --silent --no-audit --no-fund --prefix "$PREFIX/proxy" \
        "configurable-http-proxy@$PROXY_VERSION"
fi
chmod -R a+rX "$PREFIX"
echo "classroom: ready: sudo $PREFIX/venv/bin/balena-lab class serve --notebooks $ROOT/notebooks"
