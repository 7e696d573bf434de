# Sourced by the other scripts: the project's virtualenv and Bun, and Reflex told to use that Bun.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$ROOT/.tools/node_modules/.bin:$PATH"
export REFLEX_USE_SYSTEM_BUN=1
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
