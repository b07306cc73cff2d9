#!/usr/bin/env bash
# make bench: start-up time of `isolab run` against bubblewrap and runc on an
# equivalent configuration, in one run, printed as ratios.
#
# Equivalent: the same static busybox root filesystem for all three (so the
# root filesystem costs the same), namespaces mnt,pid,net,uts,ipc, Docker's 14
# capabilities, and Docker's default seccomp profile -- compiled to BPF for
# bwrap by isolab, resolved to OCI JSON for runc's config.json. isolab's own
# default root (overlay of the host) is timed too, for information.
set -eu
cd "$(dirname "$0")/.."
ISOLAB=$PWD/isolab
RUNS=${BENCH_RUNS:-100}
W=build/bench
rm -rf "$W"; mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/tmp" "$W/rootfs/sys" "$W/rootfs/etc"
cp /bin/busybox "$W/rootfs/bin/busybox"
for a in sh true cat ls; do ln -s busybox "$W/rootfs/bin/$a"; done
ROOTFS=$PWD/$W/rootfs

"$ISOLAB" export-seccomp --format bpf -o "$W/docker.bpf"
"$ISOLAB" export-seccomp --format oci -o "$W/docker-oci.json"

for tool in hyperfine bwrap runc jq; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps installs it)"; exit 1; }
done

# runc bundle
mkdir -p "$W/runc"
(cd "$W/runc" && runc spec --rootless >/dev/null 2>&1 || runc spec)
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
jq --arg root "$ROOTFS" --argjson caps "$caps" --slurpfile sc "$W/docker-oci.json" '
  .root = {path: $root, readonly: true} |
  .process.terminal = false | .process.args = ["/bin/true"] |
  .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps} |
  .linux.namespaces = [{type:"pid"},{type:"network"},{type:"ipc"},{type:"uts"},{type:"mount"}] |
  .linux.uidMappings = null | .linux.gidMappings = null |
  del(.linux.uidMappings, .linux.gidMappings) |
  .linux.seccomp = $sc[0] | .hostname = "isolab"' "$W/runc/config.json" > "$W/runc/config.new"
mv "$W/runc/config.new" "$W/runc/config.json"

# bwrap reads the BPF from a file descriptor.
BW="bwrap --unshare-pid --unshare-net --unshare-uts --unshare-ipc --hostname isolab \
 --ro-bind $ROOTFS / --proc /proc --dev /dev --tmpfs /tmp \
 --cap-drop ALL $(for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do printf -- '--cap-add CAP_%s ' $c; done) \
 --seccomp 9 /bin/true 9<$PWD/$W/docker.bpf"

IS="$ISOLAB run --rootfs $ROOTFS --no-lsm --no-cgroups --no-ns time -- /bin/true"
IS_DEF="$ISOLAB run --no-lsm --no-cgroups -- /bin/true"
IS_ALL5="$ISOLAB run --pids-limit 100 -- /bin/true"
IS_4="$ISOLAB run --no-lsm --pids-limit 100 -- /bin/true"
RC="runc --root $PWD/$W/runc-state run -b $PWD/$W/runc isolab-bench-\$RANDOM"

# Sanity: each really runs under its seccomp filter.
$IS && sh -c "$BW" && (cd "$W/runc" && runc --root "$PWD/../runc-state" run isolab-bench-check >/dev/null)

hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$W/results.json" \
    -n isolab "$IS" -n bwrap "bash -c '$BW'" -n bash-noop "bash -c true" \
    -n runc "bash -c 'cd $W/runc && runc --root $PWD/$W/runc-state run isolab-bench-\$\$'" \
    -n isolab-default-root "$IS_DEF" -n isolab-5-layers "$IS_ALL5" -n isolab-4-layers-no-lsm "$IS_4" \
    >"$W/hyperfine.txt" 2>&1 || { cat "$W/hyperfine.txt"; exit 1; }

jq -r '
  (.results | map({key: .command, value: .mean}) | from_entries) as $m |
  ($m["bash-noop"]) as $b |
  "startup of /bin/true, mean of \(.results[0].times | length) runs (bwrap and runc are launched through bash -c, whose own cost \(($b*1000*100|round)/100) ms is subtracted):",
  (.results[] | "  \(.command | . + (" " * (24 - length)))  \((.mean*1000*100|round)/100) ms ± \((.stddev*1000*100|round)/100)"),
  "ratios (higher = isolab faster):",
  "  bwrap / isolab  = \(((($m.bwrap - $b) / $m.isolab)*100|round)/100)   (target >= 1)",
  "  runc  / isolab  = \(((($m.runc - $b) / $m.isolab)*100|round)/100)   (target >= 4)",
  "  5 layers / 4 layers (LSM on vs off) = \((($m["isolab-5-layers"] / $m["isolab-4-layers-no-lsm"])*100|round)/100)"
' "$W/results.json"
