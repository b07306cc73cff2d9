#!/usr/bin/env bash
# The VM suite: boots Debian's kernel under qemu (TCG) with AppArmor enabled
# and pure cgroup v2, runs tests/vm/guest-tests.sh inside it, and prints the
# guest's TAP here with every test name prefixed "vm/".
#
# How the results get out: the guest's /init prints the suite's TAP on the
# serial console (ttyS0, qemu's stdout under -nographic) between the markers
# @@ISOLAB-VM-TAP-BEGIN@@ and @@ISOLAB-VM-TAP-END rc=N@@. The whole console
# goes to build/vm/console.log; this script extracts the lines in between.
#
# Environment: VM_TIMEOUT (seconds, default 1200), VM_KERNEL (a vmlinuz path),
# VM_APPEND_EXTRA (more kernel arguments), VM_ONLY (a glob: run only the
# integration suites whose file name matches, e.g. VM_ONLY=exits.sh).
set -u
cd "$(dirname "$0")/../.."
OUT=build/vm
TIMEOUT=${VM_TIMEOUT:-1200}

# One line: how many tests the guest would run is known only inside the VM.
skip_all() { echo "ok - vm # SKIP $* (the guest's tests are not counted)"; exit 0; }

QEMU=$(command -v qemu-system-x86_64) ||
    skip_all "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
if [ -n "${VM_KERNEL:-}" ]; then
    KERNEL=$VM_KERNEL
else
    KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
fi
[ -n "$KERNEL" ] && [ -f "$KERNEL" ] ||
    skip_all "no kernel image in /boot (apt-get install linux-image-amd64)"
[ -r "$KERNEL" ] || skip_all "$KERNEL is not readable by $(id -un)"
KVER=${KERNEL##*/vmlinuz-}
mkdir -p "$OUT"
# what runs that were interrupted left behind
find "$OUT" -maxdepth 1 \( -name 'console.log.*' -o -name 'isolab.snapshot.*' \) -mmin +30 -delete

# The guest runs the host's ./isolab. Keep it current; if the tree does not
# build right now, an existing binary is still worth testing. Others may be
# relinking ./isolab at this moment (the tree is shared): test a snapshot that
# is known to run, taken when `isolab --help` succeeds.
if ! make -s isolab >"$OUT/make.log" 2>&1; then
    echo "# vm: 'make isolab' failed (see $OUT/make.log); testing the ./isolab that exists, if any"
    tail -3 "$OUT/make.log" | sed 's/^/#   /'
fi
SNAP=$OUT/isolab.snapshot.$$
trap 'rm -f "$SNAP"' EXIT
export ISOLAB_BIN=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    if [ -x isolab ] && cp isolab "$SNAP" 2>/dev/null && "$SNAP" --help >/dev/null 2>&1; then
        ISOLAB_BIN=$SNAP; break
    fi
    [ -e isolab ] || break
    sleep 3     # a link in progress: wait for it to finish, then copy again
done
if [ -z "$ISOLAB_BIN" ]; then
    # Nearly every guest test drives isolab: one honest failure, not a hundred.
    echo "not ok - vm: no working ./isolab to test ('make isolab' failed)"
    tail -8 "$OUT/make.log" | sed 's/^/#   /'
    exit 1
fi

t0=$(date +%s.%N)
if ! IMG=$(bash tests/vm/build-initramfs.sh "$KVER" 2>"$OUT/build.log"); then
    echo "not ok - vm boot: building the initramfs failed"
    tail -15 "$OUT/build.log" | sed 's/^/#   /'
    exit 1
fi
sed 's/^build-initramfs: /# vm: /' "$OUT/build.log"
t1=$(date +%s.%N)

LOG=$OUT/console.log
# more kernel arguments for experiments (mitigations=off measured: no gain)
EXTRA_APPEND="${VM_APPEND_EXTRA-}${VM_ONLY:+ isolab_only=$VM_ONLY}"
# The guest stops starting tests this long before the host's timeout, so
# it can still report what it did not run and power off.
DEADLINE=$((TIMEOUT > 60 ? TIMEOUT - 25 : TIMEOUT * 2 / 3))
tmplog=$OUT/console.log.$$
# -enable-kvm hangs on this host; TCG is portable and boots in seconds.
timeout -k 10 "$TIMEOUT" "$QEMU" -accel tcg -m 1024 -smp 2 -nographic -no-reboot \
    -nic none -kernel "$KERNEL" -initrd "$IMG" \
    -append "console=ttyS0 lsm=landlock,lockdown,yama,apparmor,bpf apparmor=1 security=apparmor cgroup_no_v1=all panic=-1 quiet isolab_deadline=$DEADLINE $EXTRA_APPEND" \
    </dev/null >"$tmplog" 2>&1
qrc=$?
t2=$(date +%s.%N)
tr -d '\r' <"$tmplog" >"$LOG"; rm -f "$tmplog"

# TAP between the markers; test names get the "vm/" prefix.
tap=$(awk '
    /@@ISOLAB-VM-TAP-END rc=/ { exit }
    in_tap                    { print }
    /@@ISOLAB-VM-TAP-BEGIN@@/ { in_tap = 1 }' "$LOG" |
    sed -nE 's/^(not ok|ok)( [0-9]+)?( -)? (.*)$/\1 - vm\/\4/p; /^#/p')
began=$(grep -c '@@ISOLAB-VM-TAP-BEGIN@@' "$LOG")
end_line=$(grep -m1 -o '@@ISOLAB-VM-TAP-END rc=[0-9]*@@' "$LOG")
grc=${end_line#*rc=}; grc=${grc%@@}

[ -n "$tap" ] && printf '%s\n' "$tap"
failed=0
last_lines() {   # the console's tail, without terminal escapes, as comments
    tail -25 "$LOG" | sed -E 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/^/#   /'
}
if [ "$began" -eq 0 ]; then
    if [ "$qrc" -eq 124 ]; then why="no test ran within ${TIMEOUT}s (boot hung)"
    else why="the guest never reached the tests (qemu exit status $qrc)"; fi
    echo "not ok - vm boot: $why"; last_lines; failed=1
elif [ -z "$end_line" ]; then
    if [ "$qrc" -eq 124 ]; then why="timed out after ${TIMEOUT}s during the guest suite"
    else why="the VM stopped during the guest suite (qemu exit status $qrc)"; fi
    echo "not ok - vm boot: $why"; last_lines; failed=1
elif [ "$grc" != 0 ] && ! printf '%s\n' "$tap" | grep -q '^not ok '; then
    echo "not ok - vm guest suite exited with status $grc without reporting a failure"
    last_lines; failed=1
fi
printf '%s\n' "$tap" | grep -q '^not ok ' && failed=1

boot=$(sed -nE 's/^# vm: .*userspace up at ([0-9.]+)s.*/\1/p' "$LOG")
suite=$(sed -nE 's/^# vm: guest suite took ([0-9.]+)s.*/\1/p' "$LOG")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v boot="${boot:-?}" -v suite="${suite:-?}" 'BEGIN {
    printf "# vm: timings: initramfs %.1fs, qemu wall %.1fs (kernel boot %ss + guest suite %ss by the guest clock)\n",
        b - a, c - b, boot, suite }'
exit "$failed"
