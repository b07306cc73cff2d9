#!/usr/bin/env bash
# The LSM layer through the command line, whichever mechanism this kernel
# has: AppArmor (the test VM) or Landlock (this machine). Docker's flags:
# --security-opt apparmor=NAME|unconfined, --cap-add, --security-opt seccomp=.
source "$(dirname "$0")/../lib.sh"
plan 17
if ! need_root; then
    skip_all lsm "these tests start sandboxes as root"
fi
command -v jq >/dev/null || skip_all lsm "jq is not installed"
# probe ID FLAGS...: the probe's JSON object from `isolab probe --json --blame`
probe() {
    local id=$1; shift
    "$ISOLAB" probe --json --blame "$@" --only "$id" 2>&1 | jq -c ".probes[] | select(.id == \"$id\")" 2>/dev/null
}
field() { printf '%s' "$1" | jq -r "$2" 2>/dev/null; }

desc=$("$ISOLAB" probe --json --only write-etc 2>/dev/null | jq -r '.layers.lsm.describe')
echo "# $desc"
aa=no
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
    [ -d /sys/kernel/security/apparmor ] && aa=yes
case $aa:$desc in
    yes:"lsm apparmor isolab-default") pass "lsm: AppArmor is the mechanism in force" ;;
    no:"lsm landlock isolab-default (AppArmor not in kernel)") pass "lsm: Landlock stands in for AppArmor" ;;
    *) fail "lsm: the mechanism matches the kernel (AppArmor enabled: $aa)"; echo "#   describe: $desc" ;;
esac

# isolab-readonly-root: /etc refused with EACCES; apparmor=unconfined lets it through.
out=$("$ISOLAB" run --security-opt apparmor=isolab-readonly-root -- \
      sh -c 'echo x > /etc/isolab-lsm-test && echo written' 2>&1)
expect_contains "lsm: isolab-readonly-root refuses a write to /etc" "$out" "Permission denied"
p=$(probe write-etc --security-opt apparmor=isolab-readonly-root)
check "lsm: isolab-readonly-root: write-etc probe gets EACCES ($(field "$p" .errno))" \
    [ "$(field "$p" .verdict)/$(field "$p" .errno)" = blocked/EACCES ]
out=$("$ISOLAB" run --security-opt apparmor=unconfined -- \
      sh -c 'echo x > /etc/isolab-lsm-test && echo written' 2>&1)
expect_contains "lsm: apparmor=unconfined writes /etc (the throwaway layer)" "$out" "written"
check "lsm: the write did not reach the host" [ ! -e /etc/isolab-lsm-test ]

# isolab-default: /proc/sys refused by the LSM layer alone.
p=$(probe write-proc-sys)
echo "# write-proc-sys: $p"
check "lsm: --blame: the LSM alone blocks the /proc/sys write" \
    [ "$(field "$p" '.blocked_by | index("lsm") != null')" = true ]

# mount: blocked even with CAP_SYS_ADMIN and seccomp off; unconfined lets it go.
p=$(probe mount-tmpfs --cap-add SYS_ADMIN --security-opt seccomp=unconfined)
echo "# mount-tmpfs (SYS_ADMIN, seccomp=unconfined): $p"
check "lsm: mount blocked with CAP_SYS_ADMIN and seccomp off" [ "$(field "$p" .verdict)" = blocked ]
check "lsm: --blame names the lsm for the blocked mount" \
    [ "$(field "$p" '.blocked_by | index("lsm") != null')" = true ]
p=$(probe mount-tmpfs --cap-add SYS_ADMIN --security-opt seccomp=unconfined --security-opt apparmor=unconfined)
check "lsm: apparmor=unconfined lets the mount through" [ "$(field "$p" .verdict)" = allowed ]

if [ "$aa" = yes ]; then
    out=$("$ISOLAB" run -- cat /proc/self/attr/current 2>&1)
    expect_contains "apparmor: /proc/self/attr/current names isolab-default" "$out" "isolab-default (enforce)"
    # pid 1 of the sandbox (isolab's tiny init) runs no program, yet it is
    # confined too: every process of the sandbox is under the profile.
    out=$("$ISOLAB" run -- cat /proc/1/attr/current 2>&1)
    expect_contains "apparmor: the sandbox's init (pid 1) is confined too" "$out" "isolab-default (enforce)"
    check "apparmor: isolab loaded isolab-default" grep -q '^isolab-default (enforce)' /sys/kernel/security/apparmor/profiles
    out=$("$ISOLAB" run --security-opt apparmor=isolab-readonly-root -- cat /proc/self/attr/current 2>&1)
    expect_contains "apparmor: apparmor=isolab-readonly-root is in force" "$out" "isolab-readonly-root (enforce)"
else
    why="AppArmor is not enabled in this kernel"
    skip "apparmor: /proc/self/attr/current names isolab-default" "$why"
    skip "apparmor: the sandbox's init (pid 1) is confined too" "$why"
    skip "apparmor: isolab loaded isolab-default" "$why"
    skip "apparmor: apparmor=isolab-readonly-root is in force" "$why"
fi

# Landlock's isolab-default rules are made by the parent, from the other CPU,
# through /proc/<pid>/root, while the child mounts the rest of its root
# (sandbox_cpu.c); on one CPU the child makes them itself after the pivot.
# Both ways must give the same verdicts.
writes='for f in /etc/isolab-ll /tmp/isolab-ll /root/isolab-ll /var/tmp/isolab-ll /isolab-ll \
               /dev/null /dev/shm/isolab-ll /proc/self/comm /sys/kernel/isolab-ll; do
            if (: > "$f") 2>/dev/null; then echo "$f w"; else echo "$f -"; fi; done'
three=("lsm: Landlock: the parent made the rules (the add_rule calls are its own)"
       "lsm: Landlock: and the child, on one CPU"
       "lsm: Landlock: both ways give the same verdicts")
if [ "$aa" = yes ]; then
    for t in "${three[@]}"; do skip "$t" "AppArmor is the mechanism here: no Landlock rules"; done
elif ! command -v strace >/dev/null || ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; then
    for t in "${three[@]}"; do skip "$t" "needs strace, taskset and two CPUs"; done
else
    tr=$(mktemp)
    # isolab's own pid: the first execve's (taskset execs isolab in place).
    # A parent that wakes only after the child's pivot leaves the rules to
    # the child (correct, only slower): on a loaded machine, up to 5 tries.
    for try in 1 2 3 4 5; do
        two=$(strace -f -qq -e trace=landlock_add_rule,execve -o "$tr" "$ISOLAB" run -- sh -c "$writes" 2>&1)
        parent=$(grep -m1 execve "$tr" | awk '{ print $1 }')
        first=$(grep -m1 landlock_add_rule "$tr" | awk '{ print $1 }')
        [ -n "$first" ] && [ "$first" = "$parent" ] && break
    done
    check "${three[0]} (isolab $parent, rules by ${first:-nobody}, try $try)" [ -n "$first" ] && [ "$first" = "$parent" ]
    one=$(strace -f -qq -e trace=landlock_add_rule,execve -o "$tr" taskset -c 0 "$ISOLAB" run -- sh -c "$writes" 2>&1)
    parent=$(grep -m1 execve "$tr" | awk '{ print $1 }')
    first=$(grep -m1 landlock_add_rule "$tr" | awk '{ print $1 }')
    n=$(grep -c landlock_add_rule "$tr")
    check "${three[1]} ($n rules, by ${first:-nobody}, not isolab $parent)" \
        [ "$n" -gt 5 ] && [ -n "$first" ] && [ "$first" != "$parent" ]
    rm -f "$tr"
    printf '%s\n' "$two" | sed 's/^/# /'
    check "${three[2]}" [ "$two" = "$one" ]
    # and they are the policy's, not no rules at all (which refuse every write)
    check "lsm: Landlock: / itself is refused, /etc and /tmp are written" \
        bash -c 'grep -qx "/isolab-ll -" <<<"$1" && grep -qx "/etc/isolab-ll w" <<<"$1" &&
                 grep -qx "/tmp/isolab-ll w" <<<"$1"' _ "$two"
fi
exit 0
