# syntax=docker/dockerfile:1
# IMAP Hub in one image: the same image runs `serve` (the default) and
# `worker` (`docker run … imaphub-image worker`). The web app is embedded in
# the binary (-tags webui), so no separate frontend container is needed.
#
#   docker build -t imaphub .                      # web build → static Go build → distroless, non-root
#   docker build --build-arg VERSION=v1.2.3 -t imaphub:v1.2.3 .
#
# The target runtime-local needs no base image to pull: it packs a static
# binary built on the host (scripts/image-check.sh prepares bin/rootfs).

ARG GO_VERSION=1.26.8
ARG NODE_VERSION=22

# --- The web app's production build (web/dist).
FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# --- A static Go binary with the web app embedded (the SQLite driver is pure
# Go, so CGO_ENABLED=0 loses nothing).
FROM docker.io/library/golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -tags webui -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/imaphub ./cmd/imaphub \
 && mkdir -p /out/data

# --- Runtime from a locally built binary on an empty base: CA certificates
# (Google Ads, the LLM endpoint, OIDC are all https), /etc/passwd naming the
# non-root user, an empty /tmp and the data directory owned by that user.
FROM scratch AS runtime-local
COPY bin/rootfs/ /
COPY --chown=65532:65532 bin/rootfs-data/ /data/
ENV IMAPHUB_ADDR=0.0.0.0:8080 IMAPHUB_DATA_DIR=/data
USER 65532:65532
WORKDIR /data
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/usr/local/bin/imaphub"]
CMD ["serve"]

# --- The release runtime (the default target): distroless static carries CA
# certificates, tzdata, /tmp and the user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/imaphub /usr/local/bin/imaphub
COPY --from=build --chown=65532:65532 /out/data /data
ENV IMAPHUB_ADDR=0.0.0.0:8080 IMAPHUB_DATA_DIR=/data
USER 65532:65532
WORKDIR /data
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/usr/local/bin/imaphub"]
CMD ["serve"]
