#!/bin/sh
# Runs mockloop's browser end-to-end tests. Installs the one npm dependency
# (playwright-core, which drives the system's Chromium; no browser download)
# when it is missing. Usage: e2e/run.sh [node --test args...]
# Env: MOCKLOOP_BIN (server binary, default bin/mockloop), CHROMIUM_BIN.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
mkdir -p artifacts
# One file at a time: each starts its own server and browser, and the
# machine has two cores. The per-test timeout bounds a hung page.
exec node --test --test-concurrency=1 --test-timeout=120000 "$@" tests/
