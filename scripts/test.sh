#!/usr/bin/env bash
# Everything, as CI runs it (`make test`): set up, make sure Debian's Chromium is there, ruff,
# the unit tests in parallel (on SQLite, and on PostgreSQL for the tests marked both_databases,
# when it is reachable: otherwise those are skipped with the reason), then the browser
# journeys (scripts/e2e.sh: SQLite round, then the scaled round when PostgreSQL and Redis
# answer). Every stage runs even when an earlier one failed; the exit status says if any did.
# Extra arguments go to pytest instead, e.g. `scripts/test.sh tests/unit -k registry`
# (ABSHER_E2E_SCALED=1 scripts/test.sh tests/e2e -m scaled runs only the scaled journeys).
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
started=$SECONDS
stage() { echo "==> $1 done in $((SECONDS - started)) s"; started=$SECONDS; }

echo "==> ruff check"
ruff check . || status=$?
stage "ruff"

echo "==> unit and security tests (parallel; PostgreSQL for the tests marked both_databases)"
(
  # Each database test works on a SQLite file of its own: on tmpfs its commits cost no fsync.
  if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
  exec python -m pytest tests/unit tests/security -p no:cacheprovider \
    -n "${ABSHER_TEST_WORKERS:-auto}"
) || status=$?
stage "unit tests"

scripts/e2e.sh || status=$?
stage "browser journeys"
exit "$status"
