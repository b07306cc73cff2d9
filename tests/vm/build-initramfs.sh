#!/usr/bin/env bash
# Builds the test VM's initramfs (cpio newc, gzip) under build/vm/ and prints
# its path. Contents: busybox-static with its applet links, bash, jq,
# apparmor_parser (with /etc/apparmor.d's abi, abstractions, tunables and
# Debian's pinned feature set), ./isolab,
# the integration test binaries, each with the shared libraries ldd names,
# the repo's profiles/, labs/ and tests/ (and the probe catalogue's source,
# which probe_safety.sh reads), the kernel modules the tests need (overlay)
# and tests/vm/init.sh as /init.
#
# The image is named after a hash of everything that goes into it, so a re-run
# with nothing changed only re-hashes the inputs (well under a second).
#
# Usage: [ISOLAB_BIN=path] tests/vm/build-initramfs.sh KERNEL_VERSION   (e.g. 6.1.0-56-amd64)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
KVER=${1:?usage: $0 KERNEL_VERSION}
OUT=build/vm
mkdir -p "$OUT"

die() { echo "build-initramfs: $*" >&2; exit 1; }

# Kernel modules the guest loads at boot, in this order (dependencies first are
# added from modules.dep). Built-in ones are skipped.
MODULES=(overlay)
# Host programs copied in with their libraries when present. busybox covers
# the rest of a POSIX userland; these are the ones whose busybox versions
# are missing here or too limited for the tests.
PROGRAMS=(/bin/bash /bin/dash /usr/bin/jq /usr/sbin/apparmor_parser /usr/bin/aa-exec
          /usr/bin/pgrep /usr/bin/pkill /usr/bin/ps /usr/bin/mountpoint /usr/bin/findmnt
          /usr/bin/setpriv /usr/bin/setsid /usr/bin/comm /usr/bin/date /usr/bin/stat
          /usr/bin/timeout /usr/bin/diff)
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found (apt-get install busybox-static)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
    ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
    die "$BUSYBOX is not the static build (apt-get install busybox-static)"

# ---- what goes in ---------------------------------------------------------
# Each entry: "SOURCE<TAB>DEST" (DEST relative to the image root).
declare -A seen=()
entries=()
add() {   # add SOURCE DEST
    local key=$2
    [ -n "${seen[$key]:-}" ] && return 0
    seen[$key]=1
    entries+=("$1"$'\t'"$2")
}
add_with_libs() {   # add_with_libs PROGRAM DEST
    add "$1" "$2"
    local lib
    # ldd prints "name => /path (addr)" and "/lib64/ld-linux... (addr)".
    while read -r lib; do
        [ -n "$lib" ] && add "$lib" "${lib#/}"
    done < <(ldd "$1" 2>/dev/null |
             sed -nE 's@.*=> (/[^ ]+) .*@\1@p; s@^[[:space:]]*(/[^ ]+) \(0x.*@\1@p')
}

add "$BUSYBOX" usr/bin/busybox
for p in "${PROGRAMS[@]}"; do
    [ -x "$p" ] && add_with_libs "$p" "usr/${p#/usr/}"
done
[ -x /usr/sbin/apparmor_parser ] || echo "build-initramfs: warning: apparmor_parser missing" >&2

# isolab and the repo's data and tests; the binary lives in /repo beside
# profiles/ and labs/ so its data-path lookup finds them.
# ISOLAB_BIN: the binary to put in (run.sh passes a snapshot of ./isolab; "" = none)
ISOLAB_BIN=${ISOLAB_BIN-$ROOT/isolab}
if [ -n "$ISOLAB_BIN" ] && [ -x "$ISOLAB_BIN" ]; then
    add_with_libs "$(realpath "$ISOLAB_BIN")" repo/isolab
else
    echo "build-initramfs: warning: no isolab binary; guest tests that need it will fail" >&2
fi
for t in build/tests/integration/test_* build/tests/helpers/*; do
    [ -x "$t" ] && add_with_libs "$ROOT/$t" "repo/$t"
done
while IFS= read -r -d '' f; do
    add "$ROOT/$f" "repo/$f"
done < <(find profiles labs tests layers/probes/probe_catalogue.c -type f ! -name '*.o' -print0 2>/dev/null | sort -z)
# Docker's profiles beside the repo (../shared/peers), for the tests that compare
if [ -d "$ROOT/../shared/peers/moby-profiles" ]; then
    while IFS= read -r -d '' f; do
        add "$f" "shared/peers/${f#"$ROOT/../shared/peers/"}"
    done < <(find "$ROOT/../shared/peers/moby-profiles" -type f -print0 | sort -z)
fi
for d in /etc/apparmor.d/abi /etc/apparmor.d/abstractions /etc/apparmor.d/tunables \
         /usr/share/apparmor-features; do
    [ -d "$d" ] || continue
    while IFS= read -r -d '' f; do
        add "$f" "${f#/}"
    done < <(find "$d" -type f -print0 | sort -z)
done
# parser.conf pins the feature set Debian compiles policy for (policy-features=)
[ -f /etc/apparmor/parser.conf ] && add /etc/apparmor/parser.conf etc/apparmor/parser.conf
add "$ROOT/tests/vm/init.sh" init

# Kernel modules: resolve dependencies through modules.dep.
MODDIR=/lib/modules/$KVER
modlist=()
if [ -f "$MODDIR/modules.dep" ]; then
    declare -A modseen=()
    add_module() {   # add_module RELPATH (as in modules.dep)
        local rel=$1 deps d
        [ -n "${modseen[$rel]:-}" ] && return 0
        modseen[$rel]=1
        deps=$(grep -E "^${rel//./\\.}:" "$MODDIR/modules.dep" | cut -d: -f2)
        for d in $deps; do add_module "$d"; done
        add "$MODDIR/$rel" "lib/modules/$KVER/$rel"
        modlist+=("$rel")
    }
    for m in "${MODULES[@]}"; do
        rel=$(grep -E "/${m}\.ko(\.xz|\.zst|\.gz)?:" "$MODDIR/modules.dep" | head -1 | cut -d: -f1)
        if [ -n "$rel" ]; then
            add_module "$rel"
        elif ! grep -qE "/${m}\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then
            echo "build-initramfs: warning: module $m not found for $KVER" >&2
        fi
    done
else
    echo "build-initramfs: warning: $MODDIR/modules.dep missing; no modules" >&2
fi

# ---- cache key --------------------------------------------------------------
key=$( {
    echo "kver $KVER"
    printf '%s\n' "${modlist[@]}"
    sha256sum "$0"
    for e in "${entries[@]}"; do
        src=${e%%$'\t'*} dst=${e#*$'\t'}
        printf '%s %s\n' "$dst" "$(sha256sum < "$src" | cut -c1-64)"
    done
} | sha256sum | cut -c1-16)
IMG=$OUT/initramfs-$key.cpio.gz
if [ -s "$IMG" ]; then
    ln -sfn "$(basename "$IMG")" "$OUT/initramfs.cpio.gz.$$" && mv -T "$OUT/initramfs.cpio.gz.$$" "$OUT/initramfs.cpio.gz"
    echo "$IMG"
    exit 0
fi

# ---- stage and pack ---------------------------------------------------------
STAGE=$OUT/stage.$$
trap 'rm -rf "$STAGE" "$OUT/initramfs.tmp.$$"' EXIT
rm -rf "$STAGE"
mkdir -p "$STAGE"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,root,mnt,var/tmp,usr/local/share}
# merged /usr, as on the host, so every path ldd printed resolves
ln -s usr/bin "$STAGE/bin"; ln -s usr/sbin "$STAGE/sbin"
ln -s usr/lib "$STAGE/lib"; ln -s usr/lib64 "$STAGE/lib64"
chmod 1777 "$STAGE/tmp" "$STAGE/var/tmp"

# busybox applet links first; real programs copied later replace them
while read -r applet; do
    [ -e "$STAGE/$applet" ] || [ -L "$STAGE/$applet" ] && continue
    ln -s /usr/bin/busybox "$STAGE/$applet"
done < <("$BUSYBOX" --list-full)

for e in "${entries[@]}"; do
    src=${e%%$'\t'*} dst=${e#*$'\t'}
    mkdir -p "$(dirname "$STAGE/$dst")"
    rm -f "$STAGE/$dst"
    cp -L --preserve=mode "$src" "$STAGE/$dst"
done
chmod 755 "$STAGE/init"
# /bin/sh is dash, as on Debian and Ubuntu: busybox's sh runs its own applets
# before PATH (date, stat, ...), which is not what a learner's machine does.
[ -f "$STAGE/usr/bin/dash" ] && ln -sfn dash "$STAGE/usr/bin/sh"
# a real program also wins over a busybox applet of the same name in the
# other bin directory (PATH puts sbin first)
for p in "${PROGRAMS[@]}"; do
    n=${p##*/}
    for d in usr/bin usr/sbin; do
        if [ "$(readlink "$STAGE/$d/$n")" = /usr/bin/busybox ] &&
           { [ -f "$STAGE/usr/bin/$n" ] || [ -f "$STAGE/usr/sbin/$n" ]; }; then
            rm -f "$STAGE/$d/$n"
        fi
    done
done

# compressed modules are decompressed here: busybox insmod reads plain .ko
mods_order=()
for rel in "${modlist[@]}"; do
    f=$STAGE/lib/modules/$KVER/$rel
    case $f in
        *.xz)  xz -d "$f";    f=${f%.xz} ;;
        *.zst) zstd -q -d --rm "$f"; f=${f%.zst} ;;
        *.gz)  gzip -d "$f";  f=${f%.gz} ;;
    esac
    mods_order+=("${f#"$STAGE"}")
done
printf '%s\n' "${mods_order[@]}" > "$STAGE/etc/isolab-vm-modules"

ln -s /repo/isolab "$STAGE/isolab" 2>/dev/null || true
ln -s /repo "$STAGE/usr/local/share/isolab"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$STAGE/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$STAGE/etc/group"
echo "isolab-vm" > "$STAGE/etc/hostname"
printf '127.0.0.1 localhost isolab-vm\n' > "$STAGE/etc/hosts"
echo "$key" > "$STAGE/etc/isolab-vm-image"

# /dev/console must exist before /init runs, or init starts without stdio.
# A device node needs no mknod: append a hand-written newc archive holding it
# (the kernel unpacks concatenated archives in order).
newc_entry() {   # name mode(hex) rdevmajor rdevminor
    local name=$1 mode=$2 maj=$3 min=$4 ns
    ns=$(( ${#name} + 1 ))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        0 "$mode" 0 0 1 0 0 0 0 "$maj" "$min" "$ns" 0 "$name"
    # header (110 bytes) + name + NUL, padded to a multiple of 4
    local pad=$(( (4 - (110 + ns) % 4) % 4 ))
    head -c "$pad" /dev/zero
}
tmp=$OUT/initramfs.tmp.$$
{
    (cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --owner=0:0)
    { newc_entry dev 0x41ED 0 0; newc_entry dev/console 0x2180 5 1
      newc_entry TRAILER!!! 0 0 0; } 
} | gzip -1 > "$tmp"
mv "$tmp" "$IMG"
rm -rf "$STAGE"
# keep only the newest image
find "$OUT" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "$(basename "$IMG")" -mmin +10 -delete
ln -sfn "$(basename "$IMG")" "$OUT/initramfs.cpio.gz.$$" && mv -T "$OUT/initramfs.cpio.gz.$$" "$OUT/initramfs.cpio.gz"
echo "$IMG"
