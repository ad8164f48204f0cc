#!/usr/bin/env bash
# Builds the project's container images from this machine alone, with no image registry:
#
#   gp-harness/node-base:local          the Node.js of this machine and the shared libraries it loads
#                                       (docker import of a root filesystem, no base image to pull)
#   gp-harness/reference-gateway:local  the built reference gateway FROM it, with only the packages it imports
#
#   docker/build-images.sh        # needs a running engine (docker/start-engine.sh) and `npm ci` done
#
# Idempotent and quick when nothing changed: each image carries a fingerprint of its content as a label, and is
# built again only when the fingerprint differs. dist/ is built first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=gp-harness/node-base:local
GATEWAY_IMAGE=gp-harness/reference-gateway:local
FINGERPRINT_LABEL=gp-harness.fingerprint

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

image_fingerprint() {
  docker image inspect --format "{{ index .Config.Labels \"$FINGERPRINT_LABEL\" }}" "$1" 2>/dev/null || true
}

# The files of the base image: node, what ldd says it loads (symbolic links followed, under the names ldd
# gives), and an empty /tmp.
base_files() {
  local node
  node="$(readlink -f "$(command -v node)")"
  echo "$node"
  ldd "$node" | grep -oE '/[^ ]+' | sort -u
}

build_base() {
  local node files fingerprint
  node="$(readlink -f "$(command -v node)")"
  mapfile -t files < <(base_files)
  fingerprint="$( (echo "$node" && sha256sum "${files[@]}") | sha256sum | cut -d' ' -f1)"
  if [ "$(image_fingerprint "$BASE_IMAGE")" = "$fingerprint" ]; then
    echo "$BASE_IMAGE: up to date"
    return
  fi
  local root="$work/rootfs"
  mkdir -p "$root/tmp" "$root/usr/bin"
  chmod 1777 "$root/tmp"
  for file in "${files[@]}"; do
    mkdir -p "$root$(dirname "$file")"
    cp -L "$file" "$root$file"
  done
  # `node` on the image's PATH, whatever folder this machine keeps it in.
  [ "$node" = /usr/bin/node ] || ln -s "$node" "$root/usr/bin/node"
  tar -C "$root" -c . | docker import \
    --change "ENV PATH=/usr/local/bin:/usr/bin:/bin" \
    --change "LABEL $FINGERPRINT_LABEL=$fingerprint" \
    - "$BASE_IMAGE" >/dev/null
  echo "$BASE_IMAGE: built ($(node --version) from $node)"
}

build_gateway() {
  [ -f dist/gateway/main.js ] || npm run build
  local app="$work/context/app" fingerprint base_id
  fingerprint="$(node docker/stage-gateway.mjs "$app")"
  base_id="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"
  fingerprint="$(echo "$fingerprint $base_id" | sha256sum | cut -d' ' -f1)"
  if [ "$(image_fingerprint "$GATEWAY_IMAGE")" = "$fingerprint" ]; then
    echo "$GATEWAY_IMAGE: up to date"
    return
  fi
  cp docker/reference-gateway.Dockerfile "$work/context/Dockerfile"
  # The classic builder: it needs no BuildKit plugin, and COPY from a local context is all this image does.
  local output
  if ! output="$(DOCKER_BUILDKIT=0 docker build --label "$FINGERPRINT_LABEL=$fingerprint" \
    --tag "$GATEWAY_IMAGE" "$work/context" 2>&1)"; then
    echo "$output" >&2
    exit 1
  fi
  echo "$GATEWAY_IMAGE: built"
}

build_base
build_gateway
