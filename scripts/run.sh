#!/usr/bin/env bash
# Start the demo portal: set up, migrate SQLite, load the demo data, serve the production build on
# :3000 (PORT=3200 make run serves on 3200; the sockets it accepts follow).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
# The demo: its SMS outbox page, bank and kiosk, and a "demo" banner on every page. Production
# (ABSHER_ENV=production) refuses to start with it; run `reflex run --env prod` without it.
export ABSHER_DEMO="${ABSHER_DEMO:-1}"
absher db upgrade
absher seed demo
# Metric files of an earlier run would be added to this one's counters.
absher metrics clear
exec reflex run --env prod --frontend-port "${PORT:-3000}" --backend-port "${PORT:-3000}"
