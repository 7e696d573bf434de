# The two commands of the README. Prerequisites: Debian with Python 3.11, Node 20+ and npm.
.PHONY: run test setup

run:    ## set up, migrate SQLite, load the demo and serve the production build on :3000
	scripts/run.sh

test:   ## set up and run every test (unit, PostgreSQL when reachable, browser journeys)
	scripts/test.sh

setup:  ## only create .venv and install Bun into .tools
	scripts/setup.sh
