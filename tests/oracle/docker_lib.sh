# The oracle's own dockerd and its image. Source it; call oracle_docker_up.
# Everything lives under one temp dir (data-root, exec-root, socket,
# pidfile), so it cannot clash with another Docker on the machine, and
# oracle_docker_down (set as an EXIT trap) stops the dockerd this shell
# started, by its pid, and removes the image and the dir.
#
# /usr/local/bin/docker may be some other tool: Debian's docker.io client
# is /usr/bin/docker, its daemon /usr/sbin/dockerd.
DOCKER_BIN=/usr/bin/docker
DOCKERD_BIN=/usr/sbin/dockerd
ORACLE_IMAGE=isolab-oracle:$$
ORACLE_DIR=""
ORACLE_DPID=""

docker_() { "$DOCKER_BIN" -H "unix://$ORACLE_DIR/docker.sock" "$@"; }

oracle_docker_down() {
    [ -n "$ORACLE_DIR" ] || return 0
    if [ -n "$ORACLE_DPID" ] && kill -0 "$ORACLE_DPID" 2>/dev/null; then
        docker_ rmi -f "$ORACLE_IMAGE" >/dev/null 2>&1
        kill "$ORACLE_DPID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$ORACLE_DPID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$ORACLE_DPID" 2>/dev/null
    fi
    # overlay2 leaves mounts under the data root when a container was killed
    grep -o " $ORACLE_DIR/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$ORACLE_DIR"
    ORACLE_DIR=""
}

# Installs docker.io if it is missing (make deps lists it). Prints the
# reason and returns 1 when it cannot.
oracle_have_docker() {
    if [ ! -x "$DOCKERD_BIN" ] || [ ! -x "$DOCKER_BIN" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            docker.io >/dev/null 2>&1 || true
    fi
    if [ ! -x "$DOCKERD_BIN" ] || [ ! -x "$DOCKER_BIN" ]; then
        ORACLE_WHY="Debian's docker.io is not installed and could not be (apt-get install docker.io)"
        return 1
    fi
    return 0
}

# Starts dockerd: no iptables, no bridge (containers run --network none).
oracle_docker_up() {
    ORACLE_DIR=$(mktemp -d /tmp/isolab-oracle.XXXXXX)
    "$DOCKERD_BIN" --iptables=false --bridge=none --data-root "$ORACLE_DIR/data" \
        --exec-root "$ORACLE_DIR/exec" -H "unix://$ORACLE_DIR/docker.sock" \
        --pidfile "$ORACLE_DIR/docker.pid" >"$ORACLE_DIR/dockerd.log" 2>&1 &
    ORACLE_DPID=$!
    for _ in $(seq 150); do
        kill -0 "$ORACLE_DPID" 2>/dev/null || break
        docker_ version >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    ORACLE_WHY="dockerd did not start: $(tail -3 "$ORACLE_DIR/dockerd.log" | tr '\n' ' ')"
    return 1
}

# A minimal root: isolab, the libraries ldd names, its data (profiles/,
# labs/), a static busybox for /bin/true and /bin/sh. Written to $1.
oracle_make_root() {
    local r=$1 l
    mkdir -p "$r/bin" "$r/tmp" "$r/etc" "$r/proc" "$r/sys" "$r/dev"
    chmod 1777 "$r/tmp"
    cp "$ISOLAB" "$r/isolab"
    for l in $(ldd "$ISOLAB" | grep -o '/[^ ]*'); do
        mkdir -p "$r$(dirname "$l")"
        cp -L "$l" "$r$l"
    done
    cp -r "$ROOT/profiles" "$ROOT/labs" "$r/"
    cp /bin/busybox "$r/bin/busybox"
    for a in sh true cat ls id mknod sleep test wc; do ln -sf busybox "$r/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' > "$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
    printf 'root:*:19000:0:99999:7:::\n' > "$r/etc/shadow"
    chmod 600 "$r/etc/shadow"
}

oracle_make_image() {
    oracle_make_root "$ORACLE_DIR/root" &&
        tar -C "$ORACLE_DIR/root" -c . | docker_ import - "$ORACLE_IMAGE" >/dev/null
}

# "id result" per probe, sorted, from isolab probe --json on stdin.
oracle_results() {
    jq -r '.probes[] | "\(.id) \(.result)"' | sort
}

# Probes whose result depends on nesting or on the root filesystem rather
# than on the layers: both oracles leave them out, each for its reason.
# oracle_excluded NAME fills EXCLUDED for a runtime ("Docker", "runc").
declare -A EXCLUDED
oracle_excluded() {
    EXCLUDED=(
        [host-processes]="isolab is pid 1 of $1's pid namespace, so it always sees 'the host's' process"
        [host-interfaces]="compares with the host's interfaces; inside $1 the 'host' is the container"
        [host-hostname]="compares with the host's hostname; inside $1 that is the container's"
        [read-shadow]="depends on the root filesystem: isolab's default root masks the host's /etc/shadow, the image has a shadow file of its own (or none)"
        [escape-host-disk]="looks for the host's root block device; inside $1's image the root is an overlay, not a disk"
        [cpu-share]="measures CPU time on a shared machine (\"cannot tell\" when busy); no layer decides it"
    )
}
