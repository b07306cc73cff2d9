#!/usr/bin/env python3
"""Record the syscalls each probe makes, with strace, under one isolab
configuration, and print them as JSON: {"common": [...], "probes": {id: [...]}}.

"common" is what the sandbox's first process (the probe runner) makes after
its seccomp filter is in place (its setup before that, the mounts, is no
profile's to refuse), and what every probe child makes before the probe
itself; a probe's list is every syscall made by its child and the
child's descendants. Usage: probe_syscalls.py ISOLAB [layer flags...]
(the probes run in catalogue order, one child each, forked by the runner)."""
import json, os, re, subprocess, sys, tempfile

LINE = re.compile(r'^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()')
CLONE_RET = re.compile(r'\)\s+=\s+(\d+)(?: /\* (\d+) in strace\'s PID NS \*/)?')
SPAWN = {"clone", "clone3", "fork", "vfork"}

def record(isolab, flags):
    ids = [p["id"] for p in json.loads(subprocess.run(
        [isolab, "probe", "--json"] + flags, capture_output=True, text=True,
        check=True).stdout)["probes"]]
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-qq", "--pidns-translation", "-o", out.name,
                        isolab, "probe"] + flags, stdout=subprocess.DEVNULL, check=True)
        lines = out.read().splitlines()
    # pass 1: who made whom (a clone may finish on a "resumed" line)
    runner, edges, pending, filtered = None, {}, {}, set()
    for ln in lines:
        m = LINE.match(ln)
        if not m:
            continue
        pid, resumed, name = int(m.group(1)), m.group(2), m.group(3)
        if name and runner is None and "prctl(PR_SET_CHILD_SUBREAPER" in ln:
            runner = pid
        call = name or resumed
        if name and call in SPAWN and "<unfinished" in ln:
            pending[pid] = call
            continue
        if resumed and pending.pop(pid, None) is None:
            continue
        if call in SPAWN:
            c = CLONE_RET.search(ln)
            if c:
                edges.setdefault(pid, []).append(int(c.group(2) or c.group(1)))
    owner = {runner: -1}
    for i, child in enumerate(edges.get(runner, [])):
        stack = [child]
        while stack:
            q = stack.pop()
            owner[q] = i
            stack.extend(edges.get(q, []))
    order = len(edges.get(runner, []))
    # pass 2: each call to its probe (or to the common steps)
    common, per = set(), [set() for _ in ids]
    for ln in lines:
        m = LINE.match(ln)
        if not m or m.group(3) is None:
            continue       # the rest of an interrupted call, counted at its start
        pid, name = int(m.group(1)), m.group(3)
        if name == "seccomp" and "SECCOMP_SET_MODE_FILTER" in ln and "= 0" in ln:
            filtered.add(pid)
            continue
        who = owner.get(pid)
        if who is None:
            if pid in filtered:
                common.add(name)       # the sandbox's own steps after its filter
        elif who == -1:
            if pid in filtered:
                common.add(name)       # the runner's own, once its filter is in
                                       # (before it, no profile can refuse one)
        elif who < len(per):
            per[who].add(name)
    return {"common": sorted(common),
            "probes": {ids[i]: sorted(per[i]) for i in range(min(order, len(ids)))}}

if __name__ == "__main__":
    json.dump(record(sys.argv[1], sys.argv[2:]), sys.stdout, indent=1)
    print()
