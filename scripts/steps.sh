# Counted test steps for the bindings' run-tests.sh scripts; source it after setting LOGS.
#   run NAME COMMAND...   one step, its output in $LOGS/NAME.log, its tail shown on failure
#   summary               prints "N passed, M failed" and exits 0 only when M is 0
passed=0
failed=0

run() {
  local name=$1 start=$SECONDS
  shift
  if "$@" >"$LOGS/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "FAIL  $name ($((SECONDS - start)) s, log: $LOGS/$name.log)"
    tail -n 30 "$LOGS/$name.log" | sed 's/^/      /'
  fi
}

summary() {
  echo
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit $?
}
