# mockloop with its embedded engines (pocketsphinx, festival HTS, flite,
# espeak-ng, SQLite).
# docker-compose.yml adds Ollama and speaches for better models.

FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpocketsphinx-dev libopus-dev libopusfile-dev flite1-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/mockloop ./cmd/mockloop

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us libflite1 festival festvox-us-slt-hts espeak-ng libopus0 libopusfile0 wget ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /data mockloop
COPY --from=build /out/mockloop /usr/local/bin/mockloop
USER mockloop
ENV MOCKLOOP_DATA_DIR=/data MOCKLOOP_ADDR=127.0.0.1:8080
VOLUME /data
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- "http://${MOCKLOOP_ADDR}/healthz" || exit 1
ENTRYPOINT ["mockloop"]
CMD ["serve"]
