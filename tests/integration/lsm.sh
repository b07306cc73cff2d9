#!/usr/bin/env bash
# The LSM layer through the command line, whichever mechanism this kernel
# has: AppArmor (the test VM) or Landlock (this machine). Docker's flags:
# --security-opt apparmor=NAME|unconfined, --cap-add, --security-opt seccomp=.
source "$(dirname "$0")/../lib.sh"
plan 13
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
exit 0
