#!/usr/bin/env bash
# Fuzz suite: libFuzzer (clang) over the profile loader, the lab loader and
# the importers (oci, k8s, docker), seeded with every shipped and peer profile. Bounded by a
# run count, so it always ends; a crash is a failure with the input saved.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
RUNS=${FUZZ_RUNS:-20000}
plan "$(ls tests/fuzz/fuzz_*.c | wc -l)"    # one test per fuzz target
if ! command -v clang >/dev/null; then
    skip_all fuzz "clang is not installed (make deps installs it)"
fi
rt="$(clang -print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-$(uname -m).a"
if [ ! -f "$rt" ]; then
    skip_all fuzz "clang's libFuzzer runtime is not installed ($rt; Debian: libclang-rt-14-dev)"
fi
out=build/fuzz; mkdir -p "$out"
PKG="$(pkg-config --cflags --libs libseccomp jansson libcap yaml-0.1) $(pkg-config --libs libapparmor 2>/dev/null)"
srcs=$(find layers -name '*.c' | sort)
incs=$(find layers -type d | sed 's/^/-I/')
for target in tests/fuzz/fuzz_*.c; do
    name=$(basename "$target" .c)
    bin=$out/$name
    if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=gnu11 $incs \
            -o "$bin" "$target" $srcs $PKG 2>"$out/$name.build.log"; then
        fail "fuzz: $name builds"; sed 's/^/#   /' "$out/$name.build.log" | tail -10
        continue
    fi
    corpus=$out/$name.corpus; mkdir -p "$corpus"
    cp profiles/seccomp/*.json "$corpus/" 2>/dev/null
    cp "$ROOT"/../shared/peers/moby-profiles/seccomp/*.json "$ROOT"/../shared/peers/moby-profiles/seccomp/fixtures/*.json "$corpus/" 2>/dev/null
    case $name in
    fuzz_lab*) cp labs/*.json "$corpus/" 2>/dev/null ;;
    fuzz_import*) cp tests/fuzz/import-seeds/* "$corpus/" ;;
    esac
    if "$bin" -runs="$RUNS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1; then
        pass "fuzz: $name ran $RUNS inputs without a crash"
    else
        fail "fuzz: $name found a crash (input saved under $out/)"
        grep -E "ERROR|SUMMARY|==.*==" "$out/$name.log" | head -10 | sed 's/^/#   /'
    fi
done
