#!/usr/bin/env bash
# Builds local stand-ins for the official redis and postgres images that deploy/compose.yaml uses, where
# no registry is reachable: localhost/op-redis:7 and localhost/op-postgres:15, on the minimal Debian base
# that `OP_LOCAL_BASE=1 deploy/build-image.sh` makes (run that first). Then:
#   OP_REDIS_IMAGE=localhost/op-redis:7 OP_POSTGRES_IMAGE=localhost/op-postgres:15 podman-compose -f deploy/compose.yaml up -d
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
podman image exists localhost/op-bookworm-min:latest || { echo "No localhost/op-bookworm-min: run OP_LOCAL_BASE=1 deploy/build-image.sh first." >&2; exit 2; }
podman image exists localhost/op-redis:7 || podman build -q -f "$here/redis.Containerfile" -t localhost/op-redis:7 "$here" >/dev/null
podman image exists localhost/op-postgres:15 || podman build -q -f "$here/postgres.Containerfile" -t localhost/op-postgres:15 "$here" >/dev/null
echo "Built localhost/op-redis:7 and localhost/op-postgres:15"
