#!/usr/bin/env bash
# Import (isolab import, probe --from): a Kubernetes Pod, a Deployment, a
# runc config.json and a docker run line become the lab's configuration,
# and real probes in real sandboxes give that configuration's verdicts.
# Export k8s or oci, import again: the same verdicts. Every malformed input
# is an error naming the file, line:col, the field and the fix.
source "$(dirname "$0")/../lib.sh"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1
export XDG_STATE_HOME=$TMP/state ISOLAB_QUIET=1
plan 42
command -v jq >/dev/null || skip_all "import" "jq is not installed"

# verdict FILE PROBE [ARGS]: the probe's verdict under the imported file
verdict() {
    local f=$1 p=$2; shift 2
    "$ISOLAB" probe --from "$f" --only "$p" --json "$@" 2>"$TMP/probe.err" |
        jq -r '.probes[0].verdict' 2>/dev/null
}
pod() {   # pod FILE SECURITYCONTEXT-LINES (indented for the container)
    { printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n'
      printf '  - name: app\n    image: debian\n'; printf '%s\n' "$2"; } > "$1"
}

# ---- real probes on imported configurations ----------------------------------
pod "$TMP/admin.yaml" '    securityContext:
      capabilities:
        add: ["SYS_ADMIN"]
      seccompProfile:
        type: Unconfined'
check "Pod: capabilities add SYS_ADMIN and seccompProfile Unconfined let unshare-user through" \
    [ "$(verdict "$TMP/admin.yaml" unshare-user)" = allowed ]
sed 's/Unconfined/RuntimeDefault/' "$TMP/admin.yaml" > "$TMP/rtdefault.yaml"
# Docker's profile allows unshare with CAP_SYS_ADMIN: drop it to see the filter
sed 's/add: \["SYS_ADMIN"\]/drop: ["SETUID"]/' "$TMP/rtdefault.yaml" > "$TMP/rtdefault2.yaml"
check "Pod: seccompProfile RuntimeDefault blocks unshare-user" \
    [ "$(verdict "$TMP/rtdefault2.yaml" unshare-user)" = blocked ]
out=$("$ISOLAB" probe --from "$TMP/rtdefault2.yaml" --only unshare-user --blame --json 2>/dev/null)
expect_contains "Pod: RuntimeDefault: seccomp is what blocks it" "$(jq -c '.probes[0]' <<<"$out")" seccomp
pod "$TMP/plain.yaml" ''
check "Pod without a securityContext: Kubernetes' Unconfined default lets unshare-user through" \
    [ "$(verdict "$TMP/plain.yaml" unshare-user)" = allowed ]
check "... where Docker's defaults block it" \
    [ "$("$ISOLAB" probe --only unshare-user --json 2>/dev/null | jq -r '.probes[0].verdict')" = blocked ]

pod "$TMP/user.yaml" '    securityContext:
      runAsUser: 1000
      capabilities:
        add: ["SYS_ADMIN"]'
check "Pod: runAsUser 1000 keeps no capability across execve (no ambient set): chown blocked" \
    [ "$(verdict "$TMP/user.yaml" chown)" = blocked ]
expect_contains "... and the report says why" "$("$ISOLAB" import "$TMP/user.yaml" 2>&1)" "spec.containers[0].securityContext.runAsUser: uid 1000 is not root"

# A Deployment with a Localhost profile beside the file, and with --seccomp-dir
mkdir -p "$TMP/dep/profiles" "$TMP/sc/profiles"
cp profiles/seccomp/no-chmod.json "$TMP/dep/profiles/no-chmod.json"
cp profiles/seccomp/no-chmod.json "$TMP/sc/profiles/no-chmod.json"
cat > "$TMP/dep/deploy.yaml" <<'Y'
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: sidecar
        image: busybox
      - name: app
        image: debian
        securityContext:
          seccompProfile:
            type: Localhost
            localhostProfile: profiles/no-chmod.json
Y
check "Deployment, --container app: its Localhost profile (beside the file) blocks chmod" \
    [ "$(verdict "$TMP/dep/deploy.yaml" chmod --container app)" = blocked ]
check "Deployment, the first container (sidecar, no profile): chmod allowed" \
    [ "$(verdict "$TMP/dep/deploy.yaml" chmod)" = allowed ]
cp "$TMP/dep/deploy.yaml" "$TMP/deploy2.yaml"
check "Localhost profile found with --seccomp-dir" \
    [ "$(verdict "$TMP/deploy2.yaml" chmod --container app --seccomp-dir "$TMP/sc")" = blocked ]

# the older annotation form
cat > "$TMP/ann.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata:
  name: old
  annotations:
    container.seccomp.security.alpha.kubernetes.io/app: runtime/default
spec:
  containers:
  - name: app
    image: debian
Y
check "Pod: the seccomp annotation runtime/default blocks unshare-user" \
    [ "$(verdict "$TMP/ann.yaml" unshare-user)" = blocked ]

# a docker run line, with quotes and backslash-newline continuation
cat > "$TMP/run.txt" <<'Y'
# from the team's wiki
docker run --rm -it \
    --cap-add 'SYS_ADMIN' \
    --security-opt "seccomp=unconfined" \
    -v /srv/data:/data \
    debian:bookworm bash
Y
check "docker run line: --cap-add SYS_ADMIN, seccomp=unconfined let unshare-user through" \
    [ "$(verdict "$TMP/run.txt" unshare-user)" = allowed ]
out=$("$ISOLAB" import "$TMP/run.txt" 2>&1)
expect_contains "docker run line: -v is named as not modelled, with its line" "$out" "line 5: -v: /srv/data:/data"
printf 'docker run --pids-limit 10 --cap-drop ALL debian\n' > "$TMP/run2.txt"
check "docker run line: --cap-drop ALL blocks chown" \
    [ "$(verdict "$TMP/run2.txt" chown)" = blocked ]

# runc's own default bundle (runc spec): 3 capabilities, no seccomp
if command -v runc >/dev/null && mkdir -p "$TMP/rs" && (cd "$TMP/rs" && runc spec); then
    check "runc spec's config.json: chown blocked (no CAP_CHOWN), bind-80 allowed (NET_BIND_SERVICE)" \
        [ "$(verdict "$TMP/rs/config.json" chown)/$(verdict "$TMP/rs/config.json" bind-80)" = blocked/allowed ]
else
    skip "runc spec's config.json" "runc is not installed (make deps installs it)"
fi

# ---- what isolab cannot model is named with its field path -------------------
cat > "$TMP/team.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata: {name: team}
spec:
  runtimeClassName: gvisor
  hostPID: true
  volumes:
  - name: sock
    hostPath: {path: /var/run/docker.sock}
  containers:
  - name: app
    image: debian
    securityContext:
      seLinuxOptions: {level: "s0:c1,c2"}
      allowPrivilegeEscalation: false
    resources:
      limits: {memory: 128Mi, cpu: 500m, ephemeral-storage: 1Gi}
Y
out=$("$ISOLAB" import "$TMP/team.yaml" 2>&1)
expect_contains "report: spec.runtimeClassName" "$out" "spec.runtimeClassName:"
expect_contains "report: spec.containers[0].securityContext.seLinuxOptions" "$out" "spec.containers[0].securityContext.seLinuxOptions:"
expect_contains "report: a hostPath volume" "$out" "spec.volumes[0].hostPath: mounts the host's /var/run/docker.sock"
expect_contains "report: a limit isolab has not" "$out" "spec.containers[0].resources.limits.ephemeral-storage"
expect_contains "import shows the configuration: 128Mi, 500m" "$out" "mem=128M cpus=0.5"
out=$("$ISOLAB" probe --from "$TMP/team.yaml" --only getpid 2>&1)
expect_contains "probe --from prints the report before the results" "$(printf '%s' "$out" | head -12)" "isolab cannot model"
check "hostPID: true shares the host's pid namespace" \
    [ "$(verdict "$TMP/team.yaml" host-processes 2>/dev/null)" = allowed ]

printf '{"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "sycalls": []}}}\n' > "$TMP/warn.json"
expect_contains "config.json: a misspelt field in linux.seccomp is named, at config.json's line:col" \
    "$("$ISOLAB" import "$TMP/warn.json" 2>&1)" 'warn.json:1:59: sycalls: unknown field "sycalls" is ignored; did you mean "syscalls"?'

# ---- round trips through the binary: export, import, the same verdicts ------
probes=unshare-user,chmod,chown,mount-tmpfs,bind-80,raw-socket,clock-settime,sethostname,ptrace,keyctl,fork-200
for flags in "--cap-add SYS_ADMIN --no-ns time" "--cap-drop ALL --security-opt no-new-privileges --no-ns time"; do
    # shellcheck disable=SC2086
    want=$("$ISOLAB" probe $flags --only "$probes" --json 2>/dev/null | jq -c '[.probes[] | [.id, .verdict]]')
    # shellcheck disable=SC2086
    "$ISOLAB" export --format k8s $flags -o "$TMP/rt.yaml" 2>/dev/null
    got=$("$ISOLAB" probe --from "$TMP/rt.yaml" --only "$probes" --json 2>/dev/null | jq -c '[.probes[] | [.id, .verdict]]')
    check "k8s round trip ($flags): the same verdicts" [ -n "$want" ] && [ "$want" = "$got" ]
    # shellcheck disable=SC2086
    "$ISOLAB" export --format oci $flags -o "$TMP/config.json" 2>/dev/null
    got=$("$ISOLAB" probe --from "$TMP/config.json" --only "$probes" --json 2>/dev/null | jq -c '[.probes[] | [.id, .verdict]]')
    check "oci round trip ($flags): the same verdicts" [ -n "$want" ] && [ "$want" = "$got" ]
done

# ---- malformed imports: file:line:col, the field, the fix -------------------
# err NAME FILE NEEDLE...: exit 2 and every needle in the message
err() {
    local name=$1 f=$2 out rc miss=; shift 2
    out=$("$ISOLAB" import "$f" "${IMPORT_ARGS[@]}" 2>&1); rc=$?
    for n in "$@"; do printf '%s' "$out" | grep -qF -- "$n" || miss="$miss [$n]"; done
    if [ $rc -eq 2 ] && [ -z "$miss" ]; then pass "$name"; else
        fail "$name (exit $rc, missing:$miss)"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
}
IMPORT_ARGS=()
printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n   image: x\n' > "$TMP/syntax.yaml"
err "YAML syntax: the line and column, and how to fix it" "$TMP/syntax.yaml" "syntax.yaml:6:" "YAML syntax" "hint: check the indentation"
pod "$TMP/type.yaml" '    securityContext:
      runAsUser: "abc"'
err "wrong type: runAsUser as a string" "$TMP/type.yaml" "type.yaml:10:18: spec.containers[0].securityContext.runAsUser: expected an integer" "hint: write runAsUser: 1000"
pod "$TMP/bool.yaml" '    securityContext:
      privileged: "yes please"'
err "wrong type: privileged" "$TMP/bool.yaml" "bool.yaml:10:19: spec.containers[0].securityContext.privileged: expected a boolean"
pod "$TMP/cap.yaml" '    securityContext:
      capabilities:
        add: [NET_ADMIN, SYS_FOO]'
err "unknown capability: its place in the list" "$TMP/cap.yaml" "cap.yaml:11:26: spec.containers[0].securityContext.capabilities.add[1]: unknown capability \"SYS_FOO\"" "hint: use a capability name"
pod "$TMP/field.yaml" '    securityContext:
      capabilites:
        add: [NET_ADMIN]'
err "an unknown field is refused, as Kubernetes does" "$TMP/field.yaml" "field.yaml:10:7: spec.containers[0].securityContext.capabilites: unknown field" "capabilities"
pod "$TMP/local.yaml" '    securityContext:
      seccompProfile:
        type: Localhost
        localhostProfile: profiles/missing.json'
err "a missing Localhost profile: where it was looked for, and --seccomp-dir" "$TMP/local.yaml" "local.yaml:12:27: spec.containers[0].securityContext.seccompProfile.localhostProfile: Localhost profile \"profiles/missing.json\" not found" "--seccomp-dir"
IMPORT_ARGS=(--container db)
err "--container NAME that the Pod has not: the names it has" "$TMP/dep/deploy.yaml" "no container named \"db\"" "sidecar, app"
IMPORT_ARGS=()
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n' > "$TMP/svc.yaml"
err "no Pod in the file: the kinds found" "$TMP/svc.yaml" "no Pod or workload" "found: Service"
cat > "$TMP/bad-cap.json" <<'Y'
{
  "ociVersion": "1.0.2",
  "process": {
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_NOPE"]
    }
  }
}
Y
err "config.json: an unknown capability at its line:col" "$TMP/bad-cap.json" "bad-cap.json:5:33: process.capabilities.bounding[1]: unknown capability \"CAP_NOPE\""
cat > "$TMP/bad-sc.json" <<'Y'
{
  "ociVersion": "1.0.2",
  "linux": {
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO",
      "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_NOPE"}]
    }
  }
}
Y
err "config.json: linux.seccomp read by the profile parser, at config.json's line:col" "$TMP/bad-sc.json" "bad-sc.json:6:51: linux.seccomp.syscalls[0].action" "hint:"
printf '{\n  "process": {"noNewPrivileges": "yes"}\n}\n' > "$TMP/bad-type.json"
err "config.json: a wrong type" "$TMP/bad-type.json" "bad-type.json:2:34: process.noNewPrivileges: expected a boolean, found a string"
printf '{\n  "process": {\n}\n' > "$TMP/bad-json.json"
err "config.json: invalid JSON" "$TMP/bad-json.json" "bad-json.json:4:" "invalid JSON"
printf 'docker run \\\n  --cap-add SYS_NOPE debian\n' > "$TMP/bad-run.txt"
err "docker run: an unknown capability on its line" "$TMP/bad-run.txt" "bad-run.txt:2:3" "unknown capability"
printf 'docker run --frobnicate debian\n' > "$TMP/bad-flag.txt"
err "docker run: an unknown flag" "$TMP/bad-flag.txt" "bad-flag.txt:1:12: --frobnicate: unknown docker run flag"
printf "docker run --cap-add 'SYS_ADMIN debian\n" > "$TMP/bad-quote.txt"
err "docker run: a quote not closed" "$TMP/bad-quote.txt" "bad-quote.txt:1:" "quote" "not closed"
