# The README's commands. Prerequisites: Debian with Python 3.11, Node 20+ and npm.
.PHONY: run test check e2e setup

run:    ## set up, migrate SQLite, load the demo and serve the production build on :3000
	scripts/run.sh

check:  ## the fast loop: ruff, then the unit tests on SQLite in parallel (under 2 minutes)
	scripts/check.sh

e2e:    ## the browser journeys (SQLite, then the scaled round when PostgreSQL and Redis answer)
	scripts/e2e.sh

test:   ## everything, as CI runs it: set up, ruff, unit tests (SQLite + PostgreSQL), journeys
	scripts/test.sh

setup:  ## only create .venv and install Bun into .tools
	scripts/setup.sh
