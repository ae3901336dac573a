#!/usr/bin/env bash
# A fuzzing campaign: each target for a while, two at a time (one per core), its new inputs
# added to the kept corpus fuzz/corpus/<target>/, which is then minimized in place, so CI's
# smoke run (fuzz/smoke.sh) starts from everything a campaign reached. One line per target
# goes to fuzz/campaign.log: date, wall seconds, CPU seconds (user + system of the fuzzing
# process, which is less than wall time when the machine is shared), executions, corpus files
# before and after, and whether it found a crash (the input is then in fuzz/artifacts/<target>/).
# CAMPAIGN_NICE (default 0) runs the fuzzers at a lower priority beside other work.
#
#   CAMPAIGN_SECONDS=1800 bash fuzz/campaign.sh verify differential deflate forgery
#
# Needs cargo-fuzz (fuzz/smoke.sh --install-only puts it in target/tools) and /usr/bin/time.
set -uo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
TOOLS=${CARGO_FUZZ_ROOT:-$(cd .. && pwd)/target/tools}
export PATH="$TOOLS/bin:$PATH"
SECONDS_PER_TARGET=${CAMPAIGN_SECONDS:-1800}
NICENESS=${CAMPAIGN_NICE:-0}
(($#)) || { echo "usage: CAMPAIGN_SECONDS=N fuzz/campaign.sh TARGET..." >&2; exit 2; }
cargo fuzz build -a || exit 1
mkdir -p scratch/campaign

one() {
  local t=$1 log=scratch/campaign/$1.log before after execs verdict cpu start=$SECONDS
  before=$(find "corpus/$t" -type f | wc -l)
  # Same limits as the smoke run: no allocation of 32 MiB, 1 GiB in all. /usr/bin/time
  # reports the CPU the fuzzer (cargo's child) used, in its last line.
  if nice -n "$NICENESS" /usr/bin/time -f 'cpu %U %S' -o "$log.cpu" \
    cargo fuzz run -a "$t" "corpus/$t" -- -max_total_time="$SECONDS_PER_TARGET" \
    -malloc_limit_mb=32 -rss_limit_mb=1024 -print_final_stats=1 >"$log" 2>&1; then
    verdict="no crash"
  else
    verdict="CRASH: see fuzz/artifacts/$t/"
  fi
  local ran=$((SECONDS - start))
  cpu=$(awk '/^cpu /{printf "%d", $2 + $3}' "$log.cpu")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cargo fuzz cmin -a "$t" "corpus/$t" >"scratch/campaign/$t.cmin.log" 2>&1 || verdict="$verdict; cmin failed"
  after=$(find "corpus/$t" -type f | wc -l)
  printf '%s | %s | %s s | %s CPU s | %s executions | corpus %s -> %s files | %s\n' \
    "$(date -u +%F)" "$t" "$ran" "${cpu:-?}" "${execs:-?}" "$before" "$after" "$verdict" |
    tee -a campaign.log
}

# Two at a time: one per core of the 2-core machines this project runs on.
while (($#)); do
  one "$1" &
  if (($# > 1)); then one "$2" & shift; fi
  shift
  wait
done
