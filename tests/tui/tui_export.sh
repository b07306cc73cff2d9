#!/usr/bin/env bash
# The export key (o): it asks for the format, writes the configuration on
# the screen under the state dir, shows the path and the fidelity report;
# the Pod it wrote imports back to the same capabilities. Esc cancels.
# isolab --from FILE opens the lab on an imported file and says so, with
# what isolab cannot model in a box over the first frame.
. "$(dirname "$0")/lib/tmux.sh"
plan 12
tm_need tui_export

EXP=$TM_DIR/state/isolab/export
tm_start 160 45
tm_isolab -- --cap-add SYS_ADMIN --pids-limit 10
tm_wait_probes
tm send-keys -t t:0 x
tm_expect "export: x asks for the format" "k  Kubernetes Pod"
tm send-keys -t t:0 k
tm_expect "export k8s: the path written is shown" "Wrote $EXP/pod.yaml"
tm_expect "export k8s: with the fidelity report (no pids limit in a Pod)" "no per-container pids limit"
check "export k8s: pod.yaml adds SYS_ADMIN to the runtime's set" grep -q 'add: \["SYS_ADMIN"\]' "$EXP/pod.yaml"
tm send-keys -t t:0 Space
tm_expect "export: back on the lab, the path on the status line" "exported (k8s): $EXP/pod.yaml"
out=$("$ISOLAB" import "$EXP/pod.yaml" 2>&1)
expect_contains "export k8s: imported again, the same capabilities" "$out" "+SYS_ADMIN"
tm send-keys -t t:0 x
tm_wait "Esc  cancel" >/dev/null
tm send-keys -t t:0 Escape
tm_expect "export: Esc cancels" "export cancelled"
tm send-keys -t t:0 x
tm_wait "Esc  cancel" >/dev/null
tm send-keys -t t:0 d
tm_wait "Exported (docker)" >/dev/null
check "export docker: docker-run.sh holds the docker run line" grep -q '^docker run .*--cap-add SYS_ADMIN' "$EXP/docker-run.sh"
tm send-keys -t t:0 q
tm send-keys -t t:0 q
tm_wait_exit || fail "export: q quits"
tm_wait 'tuitest$' >/dev/null

tm send-keys -t t:0 'clear' Enter
tm_isolab -- --from "$EXP/pod.yaml"
tm_expect "--from: the status line says what was imported" "imported $EXP/pod.yaml (Pod isolab, container isolab)"
tm_wait_probes
tm send-keys -t t:0 q
tm_wait_exit
if tm_wait 'tuitest$' >/dev/null; then pass "--from: q quits back to the shell"
else fail "--from: q quits back to the shell"; fi

printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: gv}\nspec:\n  runtimeClassName: gvisor\n  containers:\n  - {name: app, image: debian}\n' > "$TM_DIR/gv.yaml"
tm send-keys -t t:0 'clear' Enter
tm_isolab -- --from "$TM_DIR/gv.yaml"
tm_expect "--from: what isolab cannot model, by field path, over the lab" "spec.runtimeClassName: \"gvisor\""
tm send-keys -t t:0 Space
if tm_wait_gone "(any key: the lab)" >/dev/null; then pass "--from: a key closes the box"
else fail "--from: a key closes the box"; fi
tm send-keys -t t:0 q
tm_wait_exit || fail "--from: q quits"
