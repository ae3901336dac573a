#!/usr/bin/env bash
# Instructions per operation under callgrind, Rust API vs C ABI: repeatable where wall-clock
# time on a shared VM is not. Each figure is (N+1 runs - 1 run) / N, so set-up cancels out.
# valgrind hides SHA-NI from the program, so SHA-256 runs in software here: the absolute
# counts overstate minting and verifying, the C ABI's share of them is what this measures.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
cargo build --release --quiet --example hot_loop
cc -O2 -Wall -Wextra -Werror -std=c99 -D_POSIX_C_SOURCE=200809L -Iinclude benches/c/bench_capi.c \
  target/release/libusersig.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o target/bench_capi
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | awk '/Collected/ {print $4}'; }
per_op() { echo $(( ($("$@" $((N + 1))) - $("$@" 1)) / N )); }
printf '%-30s %12s %12s %9s\n' operation "Rust instr" "C ABI instr" overhead
for pair in "mint:stored sign mint" "mint:pmk pmk pmk" "mint:level1 sign1 mint1" \
            "mint:level6 sign6 mint6" \
            "verify:stored verify verify" "verify:level6 verify6 verify6" \
            "verify:npm verifynpm verifynpm" "verify:npm-pmk verifynpmpmk verifynpmpmk"; do
  set -- $pair
  c=$(per_op ir target/bench_capi "$2")
  r=$(per_op ir target/release/examples/hot_loop "$3")
  printf '%-30s %12d %12d %+8.1f%%\n' "$1" "$r" "$c" "$(echo "($c - $r) * 100 / $r" | bc -l)"
done
