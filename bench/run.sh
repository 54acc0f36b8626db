#!/usr/bin/env bash
# Runs every benchmark scenario against real servers on 127.0.0.1: starts a private PostgreSQL (fsync ON, so durable
# figures are durable) and Mosquitto (tuned: max_inflight_messages, set_tcp_nodelay) with tests/infra/services.sh,
# builds in Release, runs the bench, stops the servers. Extra arguments go to the bench, e.g.
#   bench/run.sh                                  # everything, full sizes (1,000,000 items registered; about 15 minutes on 2 cores)
#   bench/run.sh --quick                          # smoke sizes, under 2 minutes
#   bench/run.sh --scenarios ingest baseline      # some scenarios only
#   bench/run.sh --output docs/benchmarks-run.md  # also write the Markdown tables to a file
#   bench/run.sh --publishers-in-process          # simulated devices inside the benchmark's process (before 2026-12-02)
#   bench/run.sh --scenarios ceiling ingest --reads-per-tag 8   # how often a gate reads each tag (default 4; a second
#                                                 # single-read density runs too: --dense-reads-per-tag, default 16, 0 = off)
set -uo pipefail
cd "$(dirname "$0")/.."
infra=$(mktemp -d /tmp/tracking-bench.XXXXXX)
cleanup() { tests/infra/services.sh down "$infra" || true; }
trap cleanup EXIT

export TRACKING_INFRA_FSYNC=on
if ! eval "$(tests/infra/services.sh up "$infra")"; then
  echo "could not start PostgreSQL and Mosquitto (see $infra)" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Bench.csproj -c Release -nologo -v q -m:2 >"$infra/build.log" 2>&1 || { grep -E " error " "$infra/build.log" | sort -u; echo "build failed" >&2; exit 1; }

echo "nproc $(nproc), $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
bench/bin/Release/net10.0/Tracking.Bench "$@"
