#!/usr/bin/env bash
# Start the portal: set up, migrate SQLite, load the demo data, serve the production build on :3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
absher db upgrade
absher seed demo
# Metric files of an earlier run would be added to this one's counters.
absher metrics clear
exec reflex run --env prod --frontend-port "${PORT:-3000}" --backend-port "${PORT:-3000}"
