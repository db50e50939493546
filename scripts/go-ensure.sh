#!/usr/bin/env bash
# Checks that a Go toolchain new enough for go.mod is on PATH.
set -euo pipefail
if ! command -v go >/dev/null 2>&1; then
	echo "Go is not installed or not on PATH. Install Go $(sed -n 's/^go //p' go.mod) or newer from https://go.dev/dl/ and put it on PATH (e.g. /usr/local/go/bin)." >&2
	exit 1
fi
