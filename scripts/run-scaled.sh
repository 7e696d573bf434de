#!/usr/bin/env bash
# The third, optional way to run: PostgreSQL for the data, Redis for Reflex's state (and the
# rate-limit counters), several Granian workers behind one port. No sticky sessions: any
# worker serves any browser, because the state lives in Redis and the session in PostgreSQL.
#
#   scripts/run-scaled.sh            # http://localhost:3000, database `absher` (created if missing)
#
# Environment (defaults in brackets):
#   REFLEX_DB_URL     [postgresql+psycopg://postgres@127.0.0.1:5432/absher]
#   REFLEX_REDIS_URL  [redis://127.0.0.1:6379/0]
#   GRANIAN_WORKERS   [2]   worker processes; `kill -HUP` the server to restart them one by one
#   PORT              [3000]
# and every ABSHER_* setting of the README (the allowed origins follow PORT, or ABSHER_PUBLIC_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# The demo: its SMS outbox page, bank and kiosk, and a "demo" banner on every page. Production
# (ABSHER_ENV=production) refuses to start with it; run `reflex run --env prod` without it.
export ABSHER_DEMO="${ABSHER_DEMO:-1}"

export REFLEX_DB_URL="${REFLEX_DB_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/absher}"
export REFLEX_REDIS_URL="${REFLEX_REDIS_URL:-redis://127.0.0.1:6379/0}"
export GRANIAN_WORKERS="${GRANIAN_WORKERS:-2}"
# Reflex picks Granian when uvicorn/gunicorn are absent; say so rather than rely on it.
export REFLEX_USE_GRANIAN=1
port="${PORT:-3000}"

python -c "
import os
from absher_app.db import create_database
if create_database(os.environ['REFLEX_DB_URL']):
    print('created the database of REFLEX_DB_URL')"
absher db upgrade
absher seed demo
# Metric files of an earlier run would be added to this one's counters.
absher metrics clear
echo "==> $GRANIAN_WORKERS workers, database ${REFLEX_DB_URL%%\?*}, state in $REFLEX_REDIS_URL"
exec reflex run --env prod --frontend-port "$port" --backend-port "$port"
