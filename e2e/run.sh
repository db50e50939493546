#!/bin/sh
# Runs mockloop's browser end-to-end tests, once per browser: Debian's
# Chromium and Debian's Firefox ESR, both driven by playwright-core (no
# browser download). Installs the npm dependency when it is missing.
# Usage: e2e/run.sh [node --test args...]
# Env: MOCKLOOP_BROWSER=chromium|firefox runs one browser only (default:
#      both, Chromium first); MOCKLOOP_BIN (server binary, default
#      bin/mockloop); CHROMIUM_BIN, FIREFOX_BIN. A single test file run
#      with node --test (no MOCKLOOP_BROWSER_WS) launches its own browser.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
browsers=${MOCKLOOP_BROWSER:-chromium firefox}
# Files marked "// e2e: real-time audio" time speech against the clock:
# they run one at a time, after the rest, which run two at a time.
realtime=$(grep -l '^// e2e: real-time audio' tests/*.test.js || true)
others=""
for f in tests/*.test.js; do
	case " $(echo $realtime) " in *" $f "*) ;; *) others="$others $f" ;; esac
done
failed=""
for b in $browsers; do
	mkdir -p "artifacts/$b"
	echo "== e2e in $b"
	start=$(date +%s)
	# One browser for the whole run (lib/shared-browser.js); each file
	# starts its own server and gets a fresh context. The per-test timeout
	# bounds a hung page. Both groups run even when the first fails.
	if MOCKLOOP_BROWSER=$b OTHERS="$others" REALTIME="$realtime" node lib/shared-browser.js sh -c '
		rc=0
		node --test --test-concurrency=2 --test-timeout=120000 "$@" $OTHERS || rc=1
		if [ -n "$REALTIME" ]; then
			node --test --test-concurrency=1 --test-timeout=120000 "$@" $REALTIME || rc=1
		fi
		exit $rc' sh "$@"; then
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
