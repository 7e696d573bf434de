#!/usr/bin/env bash
# Run every test: set up, make sure Debian's Chromium is there, then unit tests (SQLite and,
# when reachable, PostgreSQL) and the Playwright journeys against the production build; then
# the journeys once more against the scale-out configuration (PostgreSQL + Redis + 2 workers),
# when PostgreSQL and Redis answer (otherwise the reason is printed and they are skipped).
# Extra arguments go to pytest instead, e.g. `scripts/test.sh tests/unit -k registry`
# (ABSHER_E2E_SCALED=1 scripts/test.sh tests/e2e runs only the scaled journeys).
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

# pg_dump/pg_restore for the backup round trip on PostgreSQL (Debian's client matches the
# server of the same release), nginx for the reverse-proxy journey (tests/e2e/test_proxy.py).
# When apt cannot install them the tests that need them say so and are skipped.
missing=()
command -v pg_dump >/dev/null || missing+=(postgresql-client)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing Debian's ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null; } || echo "==> could not install ${missing[*]}; their tests will be skipped"
fi

if [ "$#" -gt 0 ]; then
  exec python -m pytest "$@"
fi

status=0
python -m pytest tests || status=$?

echo "==> browser journeys again, scale-out configuration (PostgreSQL + Redis + 2 workers)"
reason=$(python -c "from tests.e2e.conftest import scaled_unavailable; print(scaled_unavailable() or '')")
if [ -n "$reason" ]; then
  echo "==> SKIPPED the scale-out journeys: $reason"
else
  ABSHER_E2E_SCALED=1 python -m pytest tests/e2e -p no:cacheprovider || status=$?
fi
exit "$status"
