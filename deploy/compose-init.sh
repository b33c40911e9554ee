#!/usr/bin/env bash
# Prepares what deploy/compose.yaml needs, once: deploy/secrets/, an owner-only folder with
#   cluster.pem            the cluster credential (credential new), for the silos
#   redis.conf, clustering-connection        Redis' password, and the silos' connection string holding it
#   postgres-password, task-store-connection PostgreSQL's password, and the silos' connection string
#   connection.json        the connection file for a client on this machine: the gateways as published on
#                          127.0.0.1 (SILO1_GATEWAY_PORT, …, as compose.yaml reads them) and the credential
# What exists is kept; connection.json is written afresh.
#
#   deploy/compose-init.sh [CLUSTER_ID]        (default: compose, as compose.yaml's OP_CLUSTER_ID)
# OP_COMPOSE_SECRETS moves the folder (compose.yaml reads it too); OP_SILO_CLI gives the silo's command line (default: dotnet run -c Release --project Silo --).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cluster="${1:-${OP_CLUSTER_ID:-compose}}"
secrets="${OP_COMPOSE_SECRETS:-$here/secrets}"
read -r -a silo <<< "${OP_SILO_CLI:-dotnet run -c Release --project $root/Silo --}"

password() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

mkdir -p "$secrets" && chmod 0700 "$secrets"
if [ ! -f "$secrets/cluster.pem" ]; then
  "${silo[@]}" credential new --out "$secrets/cluster.pem" --cluster-id "$cluster" >/dev/null
fi
if [ ! -f "$secrets/redis.conf" ]; then
  redis="$(password)"
  printf 'requirepass %s\n' "$redis" > "$secrets/redis.conf"
  printf 'redis:6379,password=%s\n' "$redis" > "$secrets/clustering-connection"
fi
if [ ! -f "$secrets/postgres-password" ]; then
  postgres="$(password)"
  printf '%s\n' "$postgres" > "$secrets/postgres-password"
  printf 'Host=postgres;Port=5432;Username=orleans;Password=%s;Database=orleans_parallel\n' "$postgres" > "$secrets/task-store-connection"
fi
# Compose's file secrets are bind mounts that keep these modes: the containers' users (the silo's uid 1654,
# redis, postgres) must read them. The folder, owner-only, keeps everyone else on this machine out.
chmod 0444 "$secrets/cluster.pem" "$secrets/redis.conf" "$secrets/clustering-connection" "$secrets/postgres-password" "$secrets/task-store-connection"

"${silo[@]}" connection-file --cluster-id "$cluster" --credential "$secrets/cluster.pem" --out "$secrets/connection.json" \
  --gateway "127.0.0.1:${SILO1_GATEWAY_PORT:-30000}" --gateway "127.0.0.1:${SILO2_GATEWAY_PORT:-30001}" --gateway "127.0.0.1:${SILO3_GATEWAY_PORT:-30002}"
