#!/usr/bin/env bash
# Installs Mesa's CPU Vulkan driver (lavapipe) and the Vulkan loader, so that Dawn (the `webgpu`
# npm package) finds an adapter ("llvmpipe") on a machine without a GPU. For Debian 12 (bookworm),
# run as root. Idempotent: a second run changes nothing.
#
# Debian 12's own Mesa (22.3) is too old for current Dawn; bookworm-backports carries Mesa 25.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-lavapipe.sh: run as root" >&2
  exit 1
fi

have_lavapipe() {
  # the ICD file is lvp_icd.json (Mesa 25) or lvp_icd.<arch>.json (older packaging)
  compgen -G "/usr/share/vulkan/icd.d/lvp_icd*.json" >/dev/null
}

mesa_major() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'
}

if have_lavapipe && dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q "install ok installed" \
  && [ "$(mesa_major || echo 0)" -ge 24 ] 2>/dev/null; then
  echo "install-lavapipe.sh: lavapipe (mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)) already installed"
  exit 0
fi

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
export DEBIAN_FRONTEND=noninteractive

if [ "$codename" = "bookworm" ]; then
  line="deb http://deb.debian.org/debian bookworm-backports main"
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "$line" > /etc/apt/sources.list.d/bookworm-backports.list
  fi
  apt-get update
  apt-get install -y --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1
else
  # Newer Debian/Ubuntu releases ship a Mesa recent enough for Dawn.
  apt-get update
  apt-get install -y --no-install-recommends mesa-vulkan-drivers libvulkan1
fi

have_lavapipe || { echo "install-lavapipe.sh: lavapipe ICD not found after install" >&2; exit 1; }
echo "install-lavapipe.sh: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
