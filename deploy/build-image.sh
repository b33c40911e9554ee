#!/usr/bin/env bash
# Builds the silo's image (deploy/Dockerfile) with podman.
#
#   deploy/build-image.sh [TAG]                 # default tag: localhost/orleans-parallel-silo:dev
#
# With a registry at hand, the Dockerfile's defaults (the official .NET SDK and ASP.NET images) are
# all it needs: podman build -f deploy/Dockerfile . Where no registry is reachable (this project's
# machines and CI), set OP_LOCAL_BASE=1 and this script first makes local stand-ins for them: a
# minimal Debian root filesystem from the Debian mirror (debootstrap), with this machine's own .NET
# SDK, or its .NET and ASP.NET Core runtimes and the official image's unprivileged user (APP_UID 1654).
# As root it installs what it needs (podman, buildah, debootstrap, runc) and sets podman up for
# these machines (runc, explicit ulimits): see CONTAINERS.md in the project's shared notes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tag="${1:-localhost/orleans-parallel-silo:dev}"

if ! command -v podman >/dev/null || { [ "${OP_LOCAL_BASE:-0}" = 1 ] && ! command -v debootstrap >/dev/null; }; then
  if [ "$(id -u)" != 0 ]; then echo "podman (and debootstrap for OP_LOCAL_BASE=1) are needed: apt-get install -y podman buildah debootstrap runc" >&2; exit 2; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 podman buildah debootstrap runc
fi
if [ "$(id -u)" = 0 ] && [ ! -f /etc/containers/containers.conf ]; then
  # Hybrid cgroups: crun refuses, runc works; podman's default rlimits are refused here, so the
  # containers get this shell's own (which the kernel lets them have).
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
fi

build_args=()
if [ "${OP_LOCAL_BASE:-0}" = 1 ]; then
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  if ! podman image exists localhost/op-bookworm-min:latest; then
    mirror="$(grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}')"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6,libgcc-s1 \
      bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}" >/dev/null
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/usr/share/{doc,man,locale}/*
    tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/op-bookworm-min:latest >/dev/null
    rm -rf "$work/rootfs"
  fi
  if ! podman image exists localhost/op-dotnet-sdk:latest; then
    mkdir -p "$work/sdk/ca"
    cp -a "$dotnet_root"/. "$work/sdk/dotnet"
    # The machine's own extra certificate authorities (a proxy in front of NuGet), so the build's restore trusts what this machine trusts.
    cp /usr/local/share/ca-certificates/*.crt "$work/sdk/ca/" 2>/dev/null || true
    cat > "$work/sdk/Containerfile" <<'CF'
FROM localhost/op-bookworm-min:latest
COPY dotnet /usr/share/dotnet
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CF
    podman build -q -t localhost/op-dotnet-sdk:latest "$work/sdk" >/dev/null
    rm -rf "$work/sdk"
  fi
  if ! podman image exists localhost/op-dotnet-aspnet:latest; then
    mkdir -p "$work/runtime/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$work/runtime/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$work/runtime/dotnet/shared/"
    cat > "$work/runtime/Containerfile" <<'CF'
FROM localhost/op-bookworm-min:latest
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --create-home --shell /bin/false app
ENV DOTNET_ROOT=/usr/share/dotnet APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080
CF
    podman build -q -t localhost/op-dotnet-aspnet:latest "$work/runtime" >/dev/null
    rm -rf "$work/runtime"
  fi
  build_args=(--build-arg SDK_IMAGE=localhost/op-dotnet-sdk:latest --build-arg BASE_IMAGE=localhost/op-dotnet-aspnet:latest)
  # NuGet packages from this machine's cache, so that the build restores without downloading them again.
  if [ -d "$HOME/.nuget/packages" ]; then build_args+=(--volume "$HOME/.nuget/packages:/root/.nuget/packages"); fi
fi

podman build --format docker "${build_args[@]}" -f "$here/Dockerfile" -t "$tag" "$root"
echo "Built $tag"
