#!/usr/bin/env bash
# Set up everything the app and its tests need, inside the project folder:
#   .venv/   Python 3.11 virtualenv with requirements-dev.txt and the `absher` command
#   .tools/  Bun from the npm registry (Reflex's own Bun download cannot work offline)
# Idempotent: re-running only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
BUN_VERSION=1.4.5

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python dependencies"
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements-dev.txt
  .venv/bin/pip install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi

if [ ! -x .tools/node_modules/.bin/bun ]; then
  echo "==> installing Bun $BUN_VERSION from npm into .tools/"
  mkdir -p .tools
  npm install --prefix .tools --no-fund --no-audit --silent "bun@$BUN_VERSION"
fi
