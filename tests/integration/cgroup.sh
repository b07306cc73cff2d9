#!/usr/bin/env bash
# The cgroup layer through the command line (Docker's flags --pids-limit,
# --memory, --cpus): the limits as the probes inside the sandbox meet them,
# the sandbox's own cgroup under isolab/, and the mode this machine has.
source "$(dirname "$0")/../lib.sh"
plan 11
if ! need_root; then
    skip_all cgroup "these tests create cgroups as root"
fi
command -v jq >/dev/null || skip_all cgroup "jq is not installed"
probe() {
    local id=$1; shift
    "$ISOLAB" probe --json "$@" --only "$id" 2>&1 | jq -c ".probes[] | select(.id == \"$id\")" 2>/dev/null
}
field() { printf '%s' "$1" | jq -r "$2" 2>/dev/null; }

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then mode="v2"
elif [ -d /sys/fs/cgroup/unified ] && [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then mode="v1 hybrid"
elif [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then mode="v1 legacy"
else skip_all cgroup "no cgroup hierarchy with a pids controller is mounted"; fi

desc=$("$ISOLAB" probe --json --pids-limit 64 --memory 256m --cpus 0.5 --only chmod 2>/dev/null |
       jq -r '.layers.cgroups.describe')
check "cgroup: isolab shows the mode and the limits ($desc)" \
    [ "$desc" = "cgroups pids=64 mem=256M cpus=0.5, devices docker's rules ($mode)" ]

p=$(probe fork-200 --pids-limit 10)
echo "# --pids-limit 10: $p"
n=$(field "$p" .detail | sed -n 's/^started \([0-9]*\) of 200.*/\1/p')
check "cgroup: --pids-limit 10 stops the fork bomb with EAGAIN" \
    [ "$(field "$p" .verdict)/$(field "$p" .errno)" = blocked/EAGAIN ]
check "cgroup: --pids-limit 10: fewer than 10 started (${n:-?})" [ "${n:-99}" -lt 10 ]
p=$(probe fork-200)
check "cgroup: without a limit all 200 start ($(field "$p" .detail))" \
    [ "$(field "$p" .detail)" = "started 200 of 200 processes" ]

p=$(probe memory-256m --memory 64m)
echo "# --memory 64m: $p"
if [ "$(field "$p" .verdict)" = skipped ]; then
    skip "cgroup: --memory 64m OOM-kills the memory hog" "$(field "$p" .detail)"
    skip "cgroup: --memory 512m lets the memory hog finish" "$(field "$p" .detail)"
else
    check "cgroup: --memory 64m OOM-kills the memory hog" \
        [ "$(field "$p" .verdict)/$(field "$p" .signal)" = blocked/SIGKILL ]
    p=$(probe memory-256m --memory 512m)
    check "cgroup: --memory 512m lets the memory hog finish ($(field "$p" .detail))" \
        [ "$(field "$p" .verdict)" = allowed ]
fi

out=$("$ISOLAB" run --no-ns cgroup --pids-limit 10 -- cat /proc/self/cgroup 2>&1)
printf '%s\n' "$out" | sed 's/^/# /'
expect_contains "cgroup: the sandbox runs in its own cgroup under isolab/" "$out" "/isolab/sb"
# an opaque name, "sb-" and 16 hex digits (no host pid in it)
name=$(printf '%s\n' "$out" | grep -oE 'isolab/sb-[0-9a-f]{16}' | head -1)
left=$(for d in /sys/fs/cgroup/isolab /sys/fs/cgroup/*/isolab; do
           [ -n "$name" ] && [ -d "$d/${name#isolab/}" ] && echo "$d"; done)
check "cgroup: isolab removed the sandbox's cgroup ${name:-?} when it ended" \
    [ -n "$name" -a -z "$left" ]
# v1: Docker's device rules are one cgroup that every sandbox shares,
# isolab/docker, made at a first start under the sandbox's own name and
# renamed into place (cgroup_v1.c). Eight first starts at once must each
# find it complete: /dev/null opens, /dev/kmsg (1:11, not in Docker's rules;
# ": >" writes nothing) is refused. The shared cgroup is removed first (it
# is made again), unless a sandbox is in it.
shared=/sys/fs/cgroup/devices/isolab/docker
three=("cgroup v1: 8 first starts at once: /dev/null opens in each"
       "cgroup v1: ... and /dev/kmsg is refused in each"
       "cgroup v1: one shared devices cgroup is left, and no temporary one")
if ! grep -q ' /sys/fs/cgroup/devices cgroup ' /proc/self/mounts; then
    for t in "${three[@]}"; do skip "$t" "no cgroup v1 devices hierarchy here ($mode)"; done
elif [ -d "$shared" ] && ! rmdir "$shared" 2>/dev/null; then
    for t in "${three[@]}"; do skip "$t" "a sandbox is in $shared (rmdir: busy)"; done
else
    out_dir=$(mktemp -d)
    pids=()
    for i in 1 2 3 4 5 6 7 8; do
        "$ISOLAB" run --security-opt apparmor=unconfined -- sh -c \
            '(: > /dev/null) && echo NULL; mknod /etc/k c 1 11 && (: > /etc/k) && echo KMSG' \
            </dev/null > "$out_dir/$i" 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    opened=$(grep -l NULL "$out_dir"/* | wc -l)
    kmsg=$(grep -l KMSG "$out_dir"/* | wc -l)
    temp=$(find /sys/fs/cgroup/devices/isolab -mindepth 1 -maxdepth 1 -type d -name 'sb-*' | wc -l)
    check "${three[0]} ($opened of 8)" [ "$opened" -eq 8 ]
    check "${three[1]} ($kmsg opened it)" [ "$kmsg" -eq 0 ]
    check "${three[2]} ($temp temporary)" [ -d "$shared" -a "$temp" -eq 0 ]
    rm -rf "$out_dir"
fi
exit 0
