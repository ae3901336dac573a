#!/usr/bin/env bash
# Bounded smoke run of every fuzz target: exits non-zero if any target crashes.
#
#   fuzz/smoke.sh                 # every target, 20 s each
#   SMOKE_SECONDS=60 fuzz/smoke.sh verify differential
#   fuzz/smoke.sh --install-only  # only install cargo-fuzz
#
# Works on a fresh machine with the repository's stable toolchain: cargo-fuzz (pinned) is
# installed when missing into target/tools/bin of the repository ($CARGO_FUZZ_ROOT), never
# into ~/.cargo/bin; RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags it passes.
# New corpus entries go to fuzz/scratch/ (git-ignored); the committed seeds are read-only.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET=${SMOKE_SECONDS:-20}
ALL_TARGETS=(verify inspect private_map_key outer differential forgery callback rest_envelope deflate)

if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || ((SECONDS_PER_TARGET < 1 || SECONDS_PER_TARGET > 60)); then
    echo "smoke.sh: SMOKE_SECONDS must be 1..60 (a longer run: see SECURITY.md)" >&2
    exit 2
fi
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
TOOLS=${CARGO_FUZZ_ROOT:-$(cd .. && pwd)/target/tools}
export PATH="$TOOLS/bin:$PATH"

if [[ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
    echo "smoke.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS" >&2
    cargo install --root "$TOOLS" cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
if [[ "${1:-}" == --install-only ]]; then
    cargo fuzz --version
    exit 0
fi

targets=("$@")
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")

# -a: debug assertions and overflow checks on, as in `cargo test`.
cargo fuzz build -a

failed=()
mkdir -p scratch
for t in "${targets[@]}"; do
    mkdir -p "scratch/$t" "corpus/$t"
    log="scratch/$t.log"
    echo "== $t (${SECONDS_PER_TARGET}s)"
    # -malloc_limit_mb: no single allocation may reach 32 MiB (verification needs < 256 KiB).
    if cargo fuzz run -a "$t" "scratch/$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -malloc_limit_mb=32 -rss_limit_mb=1024 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^#[0-9]+' "$log" | tail -n 1 || true
        grep -E '^stat::number_of_executed_units' "$log" || true
    else
        failed+=("$t")
        echo "!! $t failed; its log is fuzz/$log, the input is in fuzz/artifacts/$t/" >&2
        tail -n 40 "$log" >&2
    fi
done

if ((${#failed[@]})); then
    echo "smoke.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "smoke.sh: all ${#targets[@]} targets ran ${SECONDS_PER_TARGET}s without a crash"
