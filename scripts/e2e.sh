#!/usr/bin/env bash
# The browser journeys (`make e2e`): every journey against the production build on SQLite, then
# the journeys marked `scaled` once more against the scale-out configuration (PostgreSQL +
# Redis + 2 workers), when PostgreSQL and Redis answer (otherwise the reason is printed).
# ABSHER_E2E_PORT chooses the port (default 3100). Needs Debian's chromium (scripts/test.sh
# installs it). Extra arguments go to both pytest runs, e.g. `scripts/e2e.sh -k staff`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

status=0
echo "==> browser journeys (production build, SQLite)"
python -m pytest tests/e2e -p no:cacheprovider "$@" || status=$?

echo "==> browser journeys marked 'scaled', scale-out configuration (PostgreSQL + Redis + 2 workers)"
reason=$(python -c "from tests.e2e.conftest import scaled_unavailable; print(scaled_unavailable() or '')")
if [ -n "$reason" ]; then
  echo "==> SKIPPED the scale-out journeys: $reason"
else
  ABSHER_E2E_SCALED=1 python -m pytest tests/e2e -p no:cacheprovider -m scaled "$@" || status=$?
fi
exit "$status"
