# Keystroke echo latency through a relayed pty (bench/pty.sh).
#   python3 pty_latency.py KEYS CMD ARGS...
# CMD runs on a fresh outer pty (the learner's terminal); each key is written
# to it and timed until its echo comes back (the inner pty's echo, relayed).
# Prints "median_us worst_us".
import os, pty, select, sys, time

keys = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

def read_until(ch, timeout):
    end = time.monotonic() + timeout
    buf = b""
    while ch not in buf:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return False
        buf += os.read(fd, 4096)
    return True

def drain(quiet):
    while select.select([fd], [], [], quiet)[0]:
        try:
            os.read(fd, 65536)
        except OSError:
            return

# Ready when a marker typed in comes back, then quiet (raw mode is on).
for _ in range(100):
    os.write(fd, b"#")
    if read_until(b"#", 0.2):
        break
drain(0.3)
lat = []
for i in range(keys):
    c = bytes([ord("a") + i % 26])
    t0 = time.perf_counter_ns()
    os.write(fd, c)
    if not read_until(c, 5):
        sys.exit("no echo for key %d" % i)
    lat.append((time.perf_counter_ns() - t0) // 1000)
os.write(fd, b"\n\x04")
drain(0.5)
os.waitpid(pid, 0)
lat.sort()
print(lat[len(lat) // 2], lat[-1])
