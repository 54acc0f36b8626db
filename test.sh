#!/usr/bin/env bash
# Runs every test against real PostgreSQL, Mosquitto and Chromium on 127.0.0.1.
# Installs what is missing (Debian packages, npm packages), starts private instances, stops them afterwards,
# and ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
infra=$(mktemp -d /tmp/tracking-test.XXXXXX)
results="$infra/results"
mkdir -p "$results"

cleanup() { tests/infra/services.sh down "$infra" || true; }
trap cleanup EXIT

# The environment is taken only from a complete start: a failed one prints part of it.
if ! services_env=$(tests/infra/services.sh up "$infra") || ! eval "$services_env" || [[ -z "${TRACKING_TEST_ARTIFACTS:-}" ]]; then
  echo "could not start the test services (see $infra)"
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p "$TRACKING_TEST_ARTIFACTS"

if [[ -f web/package.json ]]; then
  (cd web && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi) >&2 || {
    echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One build, then the test projects one after another: two cores, and the integration tests start silos.
dotnet build Tracking.sln -c Release -nologo -v q -m:2 > "$results/build.log" 2>&1
brc=$?
grep -E " error |rror\(s\)" "$results/build.log" | sort -u | head -50
if [[ $brc -ne 0 ]]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0; rc=0
for proj in tests/UnitTests/UnitTests.csproj tests/IntegrationTests/IntegrationTests.csproj; do
  name=$(basename "$proj" .csproj)
  # A test that hangs is stopped after 10 minutes (and the whole run after 60), so the totals line is always written.
  timeout --kill-after=60s 60m dotnet test "$proj" -c Release --no-build -nologo \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" > "$results/$name.log" 2>&1
  trc=$?
  # Each failure with the first lines of its message, so CI's output says why.
  grep -E -A3 "^\s+(Failed|Skipped) [A-Z]" "$results/$name.log" | grep -vE "^--$|^\s+Stack Trace:" | head -200
  grep -E "Passed!|Failed!" "$results/$name.log"
  [[ $trc -ne 0 ]] && rc=1
  trx="$results/$name.trx"
  if [[ -f "$trx" ]]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
    # A run that aborted (crash, timeout) may count fewer failures than it had: count it as one.
    if [[ $trc -ne 0 && ${f:-0} -eq 0 ]]; then failed=$((failed + 1)); fi
  else
    failed=$((failed + 1))
  fi
done

[[ $failed -gt 0 ]] && rc=1
echo "test results and artifacts: $results $TRACKING_TEST_ARTIFACTS"
if [[ $skipped -gt 0 ]]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
exit $rc
