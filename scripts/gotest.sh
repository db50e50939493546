#!/usr/bin/env bash
# Runs go test through gotestsum (installed from the Go module proxy when
# missing) and, under CI=true, fails the run on any skipped test: a test
# that skips in CI passes without having run. Usage: scripts/gotest.sh ARGS
# (the arguments of go test).
set -uo pipefail
bin="$(go env GOPATH)/bin"
if [ ! -x "$bin/gotestsum" ]; then
	go install gotest.tools/gotestsum@v1.13.0 || exit 1
fi
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bin/gotestsum" --format pkgname-and-test-fails --format-hide-empty-pkg --jsonfile "$json" -- "$@"
rc=$?
if [ "${CI:-}" = "true" ]; then
	skipped=$(grep '"Action":"skip"' "$json" | grep '"Test":' | sed -E 's/.*"Package":"([^"]*)".*"Test":"([^"]*)".*/\1 \2/' | sort -u)
	if [ -n "$skipped" ]; then
		echo "Tests skipped under CI=true (a skip in CI is a failure: install what they need):" >&2
		echo "$skipped" >&2
		[ $rc -ne 0 ] || rc=1
	fi
fi
# The slowest tests, for the README's testing section.
if [ -n "${GOTEST_SLOWEST:-}" ]; then
	"$bin/gotestsum" tool slowest --jsonfile "$json" --num "$GOTEST_SLOWEST"
fi
exit $rc
