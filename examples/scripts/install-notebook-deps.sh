#!/usr/bin/env bash
# Install what the examples' notebook and report tests need on Debian 12, then register Deno's
# Jupyter kernel with this project's deno binary (the `deno` npm package in examples/package.json).
# Idempotent: rerunning it changes nothing once everything is in place. Run as root, after `npm ci`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

packages=(jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client jupyter-core chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${packages[@]}"
fi

deno="$root/node_modules/.bin/deno"
if [ ! -x "$deno" ]; then
  echo "install-notebook-deps: $deno not found; run npm ci first" >&2
  exit 1
fi
# `deno jupyter --install` writes the kernelspec `deno` into the user's Jupyter kernel directory,
# pointing at this binary; --force replaces an older one.
"$deno" jupyter --install --force
PYDEVD_DISABLE_FILE_VALIDATION=1 jupyter kernelspec list
