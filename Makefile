# mockloop: two commands are the contract (see README):
#   make run    build and start the app on http://127.0.0.1:8080
#   make test   everything CI runs: vet, format, Go tests (with real
#               pocketsphinx, SQLite, espeak-ng and pion peers), short
#               fuzzing and the end-to-end tests in headless Chromium
#               and Firefox ESR.
# Both install the Debian packages they need when missing.

GO        ?= go
BIN       := bin/mockloop
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
ARGS      ?=
# The shared human speech recordings sit beside the repository (CI lays
# them out so); tests find them through this variable.
export MOCKLOOP_SPEECH_DIR ?= $(abspath $(CURDIR)/../shared/testdata/speech)
export MOCKLOOP_E2E_CLIP   ?= $(MOCKLOOP_SPEECH_DIR)/ami_es2011a_intro.wav

# Debian packages: run time, and what only the tests need.
RUN_PKGS  := pkg-config gcc libpocketsphinx-dev pocketsphinx-en-us espeak-ng libopus-dev libopusfile-dev flite1-dev festival festvox-us-slt-hts
# firefox-esr and pulseaudio: the e2e suite also runs in Firefox, whose
# media graph needs an audio output (e2e/lib/audio.js starts a null sink).
TEST_PKGS := $(RUN_PKGS) pocketsphinx-testdata sox opus-tools chromium firefox-esr pulseaudio docker-compose

.PHONY: all run build test test-go test-e2e fuzz bench vet lint fmt-check compose-check deps deps-test clean

all: build

deps:
	@scripts/apt-ensure.sh $(RUN_PKGS)
	@scripts/go-ensure.sh

deps-test:
	@scripts/apt-ensure.sh $(TEST_PKGS)
	@command -v npm >/dev/null 2>&1 || scripts/apt-ensure.sh nodejs npm
	@scripts/go-ensure.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/mockloop

run: build
	./$(BIN) serve $(ARGS)

vet:
	$(GO) vet ./...

# staticcheck from the Go module proxy, pinned.
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck
lint:
	@[ -x $(STATICCHECK) ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(STATICCHECK) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The race detector runs on the packages with goroutines of their own; the
# rest run without it to keep the suite well inside CI's 2 cores.
RACE_PKGS := ./server/live/... ./server/ws/... ./server/voice/... ./server/rtc/...

test: deps-test fmt-check vet lint compose-check test-go fuzz test-e2e
	@echo "make test: all passed"

# Validates docker-compose.yml without a Docker engine (none runs in CI).
compose-check:
	docker-compose -f docker-compose.yml config -q

# scripts/gotest.sh fails the run under CI=true when any test skipped.
test-go:
	GOTEST_SLOWEST=10 scripts/gotest.sh -count=1 -parallel 4 -timeout 15m ./...
	scripts/gotest.sh -count=1 -race -timeout 15m $(RACE_PKGS)

# Short fuzzing runs of the decoders that face untrusted input; longer runs
# on demand with FUZZTIME=5m.
FUZZTIME ?= 5s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzAnalyze$$' -fuzztime $(FUZZTIME) ./analysis/
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./server/ws/

# Both browsers; MOCKLOOP_BROWSER=firefox (or chromium) runs one.
test-e2e: build
	MOCKLOOP_BIN=$(CURDIR)/$(BIN) e2e/run.sh

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./analysis/ ./server/voice/ ./server/sphinx/ ./server/sqlitestore/
	./$(BIN) bench

clean:
	rm -rf bin e2e/node_modules e2e/artifacts
