#!/bin/sh
# Runs mockloop's browser end-to-end tests, once per browser: Debian's
# Chromium and Debian's Firefox ESR, both driven by playwright-core (no
# browser download). Installs the npm dependency when it is missing.
# Usage: e2e/run.sh [node --test args...]
# Env: MOCKLOOP_BROWSER=chromium|firefox runs one browser only (default:
#      both, Chromium first); MOCKLOOP_BIN (server binary, default
#      bin/mockloop); CHROMIUM_BIN, FIREFOX_BIN.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
browsers=${MOCKLOOP_BROWSER:-chromium firefox}
failed=""
for b in $browsers; do
	mkdir -p "artifacts/$b"
	echo "== e2e in $b"
	start=$(date +%s)
	# One file at a time: each starts its own server and browser, and the
	# machine has two cores. The per-test timeout bounds a hung page.
	if MOCKLOOP_BROWSER=$b node --test --test-concurrency=1 --test-timeout=120000 "$@" tests/; then
		echo "== e2e in $b: passed in $(($(date +%s) - start)) s"
	else
		echo "== e2e in $b: FAILED after $(($(date +%s) - start)) s"
		failed="$failed $b"
	fi
done
# Every browser runs even when one fails, so a failure says which.
if [ -n "$failed" ]; then
	echo "e2e failed in:$failed"
	exit 1
fi
