#!/usr/bin/env bash
# Installs the Debian packages that are missing, and says which.
set -eu
missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#} packages are installed"
    exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# A name this distribution does not have (Ubuntu names some differently) is
# reported and left out rather than failing the whole install.
have=()
for p in "${missing[@]}"; do
    if apt-cache show "$p" >/dev/null 2>&1; then have+=("$p"); else echo "deps: $p is not in this distribution's archive; skipping it"; fi
done
missing=("${have[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} package(s)"
