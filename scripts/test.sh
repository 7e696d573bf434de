#!/usr/bin/env bash
# Run every test: set up, make sure Debian's Chromium is there, then unit tests (SQLite and,
# when reachable, PostgreSQL) and the Playwright journeys against the production build.
# Extra arguments go to pytest, e.g. `scripts/test.sh tests/unit -k registry`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

if [ ! -x "${ABSHER_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "==> installing Debian's chromium (Playwright cannot download its own browser here)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

exec python -m pytest "${@:-tests}"
