#!/usr/bin/env bash
# make bench: start-up time of `isolab run` against bubblewrap, runc and the
# floor (unshare), in one run, printed as ratios.
#
# The headline is isolab's defaults, all five layers: `isolab run -- /bin/true`
# (an overlay of the host's root with its secrets masked, Landlock, a cgroup,
# Docker's seccomp profile and 14 capabilities, namespaces mnt,pid,net,uts,
# ipc,time) against bwrap with the same namespaces, --ro-bind / /, --dev,
# --proc, --tmpfs /tmp, the capabilities and Docker's profile as libseccomp compiles it (target:
# isolab <= 0.9x bwrap), and against `unshare -muinpf /bin/true`, the floor
# (target: <= 2x). The second line is the stripped configuration: the same
# static busybox root for isolab, bwrap and runc, no LSM, no cgroups.
# Every figure is a median of RUNS runs taken in turn with the others
# (bench/interleave.c), as the issue's own figures were.
set -eu
cd "$(dirname "$0")/.."
ISOLAB=$PWD/isolab
RUNS=${BENCH_RUNS:-100}
W=build/bench
rm -rf "$W"; mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/tmp" "$W/rootfs/sys" "$W/rootfs/etc"
cp /bin/busybox "$W/rootfs/bin/busybox"
for a in sh true cat ls; do ln -s busybox "$W/rootfs/bin/$a"; done
ROOTFS=$PWD/$W/rootfs

# bwrap takes Docker's profile as libseccomp compiles it (what runc loads,
# and any bwrap user gets); isolab's own compaction of that program
# (layers/profile/seccomp_compact.c) is one of isolab's savings, shown apart:
# bwrap-compact-bpf is bwrap on the host's root with isolab's program.
ISOLAB_NO_COMPACT=1 "$ISOLAB" export-seccomp --format bpf -o "$W/docker.bpf"
"$ISOLAB" export-seccomp --format bpf -o "$W/docker-compact.bpf"
"$ISOLAB" export-seccomp --format oci -o "$W/docker-oci.json"

for tool in cc bwrap runc jq; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps installs it)"; exit 1; }
done

# runc bundle (the x86 ABIs only: Debian's runc knows no riscv64 or loongarch64)
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
  .linux.seccomp = ($sc[0] | .architectures |= map(select(test("X86|X32")))) |
  .hostname = "isolab"' "$W/runc/config.json" > "$W/runc/config.new"
mv "$W/runc/config.new" "$W/runc/config.json"

# bwrap reads the BPF from a file descriptor.
BW="bwrap --unshare-pid --unshare-net --unshare-uts --unshare-ipc --hostname isolab \
 --ro-bind $ROOTFS / --proc /proc --dev /dev --tmpfs /tmp \
 --cap-drop ALL $(for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do printf -- '--cap-add CAP_%s ' $c; done) \
 --seccomp 9 /bin/true 9<$PWD/$W/docker.bpf"

BW_DEF="bwrap --unshare-pid --unshare-net --unshare-uts --unshare-ipc --hostname isolab \
 --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp \
 --cap-drop ALL $(for c in CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE; do printf -- '--cap-add CAP_%s ' $c; done) \
 --seccomp 9 /bin/true 9<$PWD/$W/docker.bpf"
BW_DEF_COMPACT=${BW_DEF/docker.bpf/docker-compact.bpf}
FLOOR="unshare -muinpf /bin/true"
IS_FULL="$ISOLAB run -- /bin/true"
IS="$ISOLAB run --rootfs $ROOTFS --no-lsm --no-cgroups --no-ns time -- /bin/true"
IS_DEF="$ISOLAB run --no-lsm --no-cgroups -- /bin/true"
IS_ALL5="$ISOLAB run --pids-limit 100 -- /bin/true"
IS_4="$ISOLAB run --no-lsm --pids-limit 100 -- /bin/true"
RC="runc --root $PWD/$W/runc-state run -b $PWD/$W/runc isolab-bench-\$RANDOM"

# Sanity: each really runs under its seccomp filter.
$IS && $IS_FULL && sh -c "$BW" && sh -c "$BW_DEF" && sh -c "$BW_DEF_COMPACT" && (cd "$W/runc" && runc --root "$PWD/../runc-state" run isolab-bench-check >/dev/null)

# Interleaved (bench/interleave.c): one run of each command in turn, so a
# machine that drifts while this runs drifts for all of them alike.
cc -O2 -o "$W/interleave" bench/interleave.c -lm
# runc (~40 ms a start, and the work it leaves the kernel) is timed apart,
# after the rest, with the bash it is launched by.
"$W/interleave" "$RUNS" 10 "$W/main.json" \
    isolab-defaults "$IS_FULL" bwrap-host-root "bash -c $BW_DEF" unshare-floor "$FLOOR" \
    bwrap-compact-bpf "bash -c $BW_DEF_COMPACT" \
    isolab "$IS" bwrap "bash -c $BW" bash-noop "bash -c true" \
    isolab-default-root "$IS_DEF" isolab-5-layers "$IS_ALL5" isolab-4-layers-no-lsm "$IS_4" \
    >"$W/interleave.txt" 2>&1 || { cat "$W/interleave.txt"; exit 1; }
"$W/interleave" "$(( (RUNS + 3) / 4 ))" 3 "$W/runc.json" \
    runc "bash -c cd $W/runc && runc --root $PWD/$W/runc-state run isolab-bench-\$\$" \
    runc-bash-noop "bash -c true" >>"$W/interleave.txt" 2>&1 || { cat "$W/interleave.txt"; exit 1; }
echo "load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: $(nproc))"
jq -r --slurpfile rc "$W/runc.json" '
  (.results | map({key: .command, value: .median}) | from_entries) as $m |
  ($rc[0].results | map({key: .command, value: .median}) | from_entries) as $n |
  ($m["bash-noop"]) as $b |
  ($n.runc - $n["runc-bash-noop"]) as $runc |
  def ms(x): ((x*1000*100|round)/100);
  def r(x): ((x*100|round)/100);
  (r($m["isolab-defaults"] / ($m["bwrap-host-root"] - $b))) as $vb |
  (r($m["isolab-defaults"] / $m["unshare-floor"])) as $vf |
  "isolab run -- /bin/true, its defaults (all five layers): \(ms($m["isolab-defaults"])) ms = \($vb) x bwrap (\(ms($m["bwrap-host-root"] - $b)) ms; target <= 0.9: \(if $vb <= 0.9 then "met" else "MISSED" end)), \($vf) x unshare -muinpf (\(ms($m["unshare-floor"])) ms; target <= 2: \(if $vf <= 2 then "met" else "MISSED" end))",
  "  (bwrap given the compacted program, seccomp_compact.c, of the same profile: \(ms($m["bwrap-compact-bpf"] - $b)) ms, so isolab = \(r($m["isolab-defaults"] / ($m["bwrap-compact-bpf"] - $b))) x)",
  "stripped (busybox root, no LSM, no cgroups): isolab \(ms($m.isolab)) ms, bwrap \(ms($m.bwrap - $b)) ms (bwrap/isolab \(r(($m.bwrap - $b) / $m.isolab)), target >= 1), runc \(ms($runc)) ms (runc/isolab \(r($runc / $m.isolab)), target >= 4)",
  "every command, median of \(.results[0].times | length) runs taken in turn with the others (bwrap is launched through bash -c, whose own cost \(ms($b)) ms is subtracted above; runc, timed apart over \($rc[0].results[0].times | length) runs, against its own bash):",
  (.results[] , $rc[0].results[] | "  \(.command | . + (" " * (24 - length)))  \(ms(.median)) ms (mean \(ms(.mean)) ± \(ms(.stddev)))"),
  "  5 layers / 4 layers (LSM on vs off) = \(r($m["isolab-5-layers"] / $m["isolab-4-layers-no-lsm"]))"
' "$W/main.json"
