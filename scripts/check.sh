#!/usr/bin/env bash
# The fast loop (`make check`): ruff with the rules in pyproject.toml, then the unit tests on
# SQLite in parallel (one pytest-xdist worker per CPU). The tests' PostgreSQL runs and the
# browser journeys are left to `make test`. Extra arguments go to pytest, e.g.
# `scripts/check.sh -k registry` or `scripts/check.sh tests/unit/domain/test_codes.py`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if ! python -c "import xdist" 2>/dev/null || ! command -v ruff >/dev/null; then
  echo "ruff or pytest-xdist is missing from .venv: run 'make setup' first" >&2
  exit 2
fi
# Each database test works on a SQLite file of its own: on tmpfs its commits cost no fsync.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

echo "==> ruff check"
ruff check .

echo "==> unit and security tests on SQLite (parallel)"
paths=()
for arg in "$@"; do
  case "$arg" in tests/*) paths+=("$arg") ;; esac
done
[ "${#paths[@]}" -gt 0 ] || set -- tests/unit tests/security "$@"
exec python -m pytest -n "${ABSHER_TEST_WORKERS:-auto}" -m "not postgresql" "$@"
