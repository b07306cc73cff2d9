#!/bin/sh
# /init of the test VM (busybox sh). Stage 1 runs on the kernel's rootfs,
# where pivot_root(2) is refused (EINVAL), so isolab's mount namespace could
# not work: it copies the image into a tmpfs and switch_roots into it.
# Stage 2 mounts the kernel filesystems, loads modules, runs the guest suite,
# prints its TAP between markers on the serial console, and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C

if [ "$1" != stage2 ]; then
    mkdir -p /newroot
    mount -t tmpfs -o mode=755 tmpfs /newroot
    for e in /*; do
        case $e in /newroot|/proc|/sys|/dev) continue ;; esac
        cp -a "$e" /newroot/
    done
    mkdir -p /newroot/proc /newroot/sys /newroot/dev
    exec switch_root /newroot /init stage2
    echo "ISOLAB-VM: switch_root failed" >/dev/console
    poweroff -f
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# Kernel messages (an OOM kill, an AppArmor denial) would land in the middle
# of TAP lines on the same serial port: keep only emergencies.
echo 1 > /proc/sys/kernel/printk
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname "$(cat /etc/hostname)"
ip link set lo up
while read -r mod; do
    [ -n "$mod" ] && insmod "$mod"
done < /etc/isolab-vm-modules

booted=$(cut -d' ' -f1 /proc/uptime)
echo "@@ISOLAB-VM-TAP-BEGIN@@"
echo "# vm: kernel $(uname -r), image $(cat /etc/isolab-vm-image), userspace up at ${booted}s"
cd /repo
sh /repo/tests/vm/guest-tests.sh 2>&1
rc=$?
done_at=$(cut -d' ' -f1 /proc/uptime)
echo "# vm: guest suite took $(awk -v a="$booted" -v b="$done_at" 'BEGIN{printf "%.1f", b-a}')s (guest clock)"
echo "@@ISOLAB-VM-TAP-END rc=$rc@@"
# Wait until the UART has sent everything: stty's tcsetattr(TCSADRAIN).
stty -F /dev/console -echo 2>/dev/null
sync
poweroff -f
