#!/usr/bin/env bash
# Builds the container image's runtime-local target (FROM scratch: no base
# image to pull) from a static binary built here, and inspects it: a
# non-root user, the entrypoint and default command, the files a runtime
# needs, the binary in the image runs and prints the version. Then validates
# compose.yaml with podman-compose when it is installed. Containers cannot
# run on these machines, so nothing here starts one.
#
# Needs podman (apt-get install podman). Storage is a temporary vfs store,
# removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
IMAGE=localhost/imaphub:image-check
store=$(mktemp -d /tmp/imaphub-image-check.XXXXXX)
podman_() { podman --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }
cleanup() {
  podman_ image unmount --all >/dev/null 2>&1 || true
  podman_ rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$store" bin/rootfs bin/rootfs-data
}
trap cleanup EXIT
fail() { echo "image-check: $*" >&2; exit 1; }

echo "== static binary (CGO_ENABLED=0, -trimpath, -s -w, version $VERSION)"
tags=()
if [ -f web/dist/index.html ]; then
  tags=(-tags webui)
else
  echo "   web/dist is not built: the image holds the API without the web app (make web first to embed it)"
fi
rm -rf bin/rootfs bin/rootfs-data
mkdir -p bin/rootfs/usr/local/bin bin/rootfs/etc/ssl/certs bin/rootfs/tmp bin/rootfs-data
CGO_ENABLED=0 go build "${tags[@]}" -trimpath -ldflags "-s -w -X main.version=$VERSION" -o bin/rootfs/usr/local/bin/imaphub ./cmd/imaphub
cp /etc/ssl/certs/ca-certificates.crt bin/rootfs/etc/ssl/certs/
cp deploy/image/passwd deploy/image/group bin/rootfs/etc/
chmod 1777 bin/rootfs/tmp

echo "== podman build --target runtime-local"
start=$(date +%s)
podman_ build --quiet --target runtime-local --build-arg VERSION="$VERSION" -t "$IMAGE" . >/dev/null
echo "   built in $(( $(date +%s) - start ))s"

echo "== inspect"
user=$(podman_ image inspect --format '{{.Config.User}}' "$IMAGE")
entrypoint=$(podman_ image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")
cmd=$(podman_ image inspect --format '{{json .Config.Cmd}}' "$IMAGE")
size=$(podman_ image inspect --format '{{.Size}}' "$IMAGE")
echo "   user $user, entrypoint $entrypoint, cmd $cmd, size $(( size / 1024 / 1024 )) MiB ($size bytes)"
uid=${user%%:*}
[ -n "$uid" ] && [ "$uid" != 0 ] && [ "$uid" != root ] || fail "the image runs as root (user '$user')"
[ "$entrypoint" = '["/usr/local/bin/imaphub"]' ] || fail "entrypoint $entrypoint, want [\"/usr/local/bin/imaphub\"]"
[ "$cmd" = '["serve"]' ] || fail "cmd $cmd, want [\"serve\"]"

echo "== files in the image"
root=$(podman_ image mount "$IMAGE")
grep -q "^[^:]*:x:$uid:" "$root/etc/passwd" || fail "/etc/passwd names no user $uid"
[ -s "$root/etc/ssl/certs/ca-certificates.crt" ] || fail "no CA certificates"
[ "$(stat -c %u "$root/data")" = "$uid" ] || fail "/data is not owned by $uid"
[ "$(stat -c %u "$root/usr/local/bin/imaphub")" = 0 ] || fail "the binary is writable by its user"
[ "$(stat -c %a "$root/tmp")" = 1777 ] || fail "/tmp is not 1777"
got=$("$root/usr/local/bin/imaphub" version)
[ "$got" = "imaphub $VERSION" ] || fail "the image's binary prints '$got', want 'imaphub $VERSION'"
for sub in serve worker; do
  "$root/usr/local/bin/imaphub" "$sub" --help >/dev/null 2>&1 || fail "the image's binary has no subcommand $sub"
done
echo "   ok: non-root user $uid, CA certificates, /data owned by it, the static binary runs: $got"
podman_ image unmount "$IMAGE" >/dev/null

if command -v podman-compose >/dev/null; then
  # podman-compose (Debian's 1.0.3 has no "config") in dry-run mode prints the
  # podman commands "up" would run: compose.yaml parses, anchors and .env
  # resolve, and serve and worker get their subcommands. It still creates
  # the volumes and the network, in the temporary store and under a project
  # name of its own, removed below.
  echo "== podman-compose --dry-run up (README's steps, with placeholder secrets)"
  work="$store/compose"
  mkdir -p "$work/deploy/litellm" "$work/secrets"
  cp compose.yaml "$work/"
  cp deploy/litellm/config.yaml "$work/deploy/litellm/"
  cp deploy/compose.env.example "$work/.env"
  echo "COMPOSE_PROFILES=litellm" >> "$work/.env"
  for f in postgres_password database_url admin_password llm_api_key googleads_client_secret \
           googleads_refresh_token googleads_developer_token litellm.env; do : > "$work/secrets/$f"; done
  project=imaphubcheck$$
  pargs="--root $store/root --runroot $store/run --storage-driver vfs"
  out=$(cd "$work" && timeout 120 podman-compose --podman-args "$pargs" -p "$project" --dry-run up --no-build --no-start 2>&1) \
    || { echo "$out"; fail "podman-compose up --dry-run failed"; }
  podman_ network rm -f "${project}_default" >/dev/null 2>&1 || true
  creates=$(grep '^podman create ' <<<"$out" || true)
  [ "$(grep -c . <<<"$creates")" = 4 ] || { echo "$out"; fail "want 4 containers (serve, worker, postgres, litellm)"; }
  ! grep -q '\${' <<<"$creates" || { grep -o -- '-e [A-Z_]*=\${[^ ]*' <<<"$creates"; fail "a \${…} was left unresolved"; }
  grep -q -- '--name=[^ ]*_serve_1 .*-e IMAPHUB_WORKERS=0 .* localhost/imaphub:latest serve$' <<<"$creates" || fail "serve: not 'imaphub serve' with IMAPHUB_WORKERS=0"
  grep -q -- '--name=[^ ]*_worker_1 .* localhost/imaphub:latest worker$' <<<"$creates" || fail "worker: not 'imaphub worker'"
  grep -q -- '--name=[^ ]*_postgres_1 .*--healthcheck-command .* docker.io/library/postgres:15$' <<<"$creates" || fail "postgres: no health check"
  echo "   ok: 4 containers (serve, worker, postgres, litellm), every \${…} resolved, secrets mounted under /run/secrets"
else
  echo "== podman-compose is not installed: compose.yaml is checked by the Go test only"
fi
echo "image-check: ok"
