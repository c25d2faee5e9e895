#!/usr/bin/env bash
# Retention soak (PRODUCT.md §10): EVENTS (1,000,000) TagMango events posted with wrk and bench/tagmango.lua
# to the packaged service on a fresh data directory, with a retention of RETENTION (1m) purged every
# INTERVAL (10s), no targets (FILE_TARGET=1: one file target, so deliveries and attempts are made and purged
# too). Every REPORT seconds (30) it prints: elapsed time, events accepted so far, the ingest rate over the
# interval, the database and journal bytes and the oldest event record's age (the service's own gauges,
# coursewire_store_*), and the deliveries made so far and over the interval (FILE_TARGET=1); at the end, the sizes once the last events have aged
# out, and the service's retention log lines counted. The sizes should level off once the first
# RETENTION has passed, and the ingest rate should not drop when purging starts.
#
#   bench/retention.sh                                         # build, then run
#   SKIP_BUILD=1 EVENTS=200000 bench/retention.sh
#   SKIP_BUILD=1 EVENTS=1000000 RETENTION=1m INTERVAL=10s CONNECTIONS=32 PORT=18096 FILE_TARGET=1 bench/retention.sh
#   SKIP_BUILD=1 EVENTS=1000000 RETENTION=off FILE_TARGET=1 bench/retention.sh   # the same load, nothing purged (30-day default): the rates to compare
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
RETENTION=${RETENTION:-1m}
INTERVAL=${INTERVAL:-10s}
REPORT=${REPORT:-30}
PORT=${PORT:-18096}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
need_wrk
build_unless_skipped
require_free_ports PORT "$PORT"

work=$(mktemp -d)
pid=
wrk_pid=
trap 'kill "$wrk_pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
base="http://127.0.0.1:$PORT"
if [ -n "${FILE_TARGET:-}" ]; then
  printf 'targets:\n  - name: archive\n    type: file\n    directory: %s/events\n' "$work" > "$work/targets.yaml"
else
  printf 'targets: []\n' > "$work/targets.yaml"
fi
retention=(-Dcoursewire.retention.events="$RETENTION" -Dcoursewire.retention.dead-letters="$RETENTION" -Dcoursewire.retention.interval="$INTERVAL")
[ "$RETENTION" = off ] && retention=()
launch_service "$work/data" "$work/targets.yaml" "$work/service.log" "${retention[@]}"
await_ready "$work/service.log"

metric() { # <metrics file> <series prefix, e.g. coursewire_store_bytes{store="database"> : the sum of the matching series
  awk -v p="$2" 'index($0, p) == 1 {s += $NF} END {printf "%.0f", s}' "$1"
}
sample() { # prints: accepted database-bytes journal-bytes oldest-event-age-s delivered
  curl -s "$base/q/metrics" > "$work/metrics.txt"
  printf '%s %s %s %s %s\n' "$(metric "$work/metrics.txt" 'coursewire_events_accepted_total{')" \
    "$(metric "$work/metrics.txt" 'coursewire_store_bytes{store="database"')" \
    "$(metric "$work/metrics.txt" 'coursewire_store_bytes{store="journal"')" \
    "$(metric "$work/metrics.txt" 'coursewire_store_oldest_age_seconds{record="event"')" \
    "$(metric "$work/metrics.txt" 'coursewire_deliveries_delivered_total{')"
}
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

# wrk runs until the service has accepted EVENTS (checked at each report): a long duration, stopped then.
RUN_TAG="r$RANDOM$RANDOM" wrk -t"$THREADS" -c"$CONNECTIONS" -d24h -s bench/tagmango.lua "$base/webhooks/tagmango?token=tagmango-demo-secret" \
  > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
start=$(date +%s)
prev_t=$start
prev_n=0
prev_d=0
printf '%8s %10s %9s %10s %11s %11s %10s %12s\n' elapsed accepted ingest/s db-MiB journal-MiB oldest-ev-s delivered delivered/s
while true; do
  sleep "$REPORT"
  read -r n db journal oldest delivered < <(sample)
  now=$(date +%s)
  rate=$(( (n - prev_n) / (now - prev_t) ))
  out=$(( (delivered - prev_d) / (now - prev_t) ))
  printf '%7ss %10d %9d %10s %11s %11s %10d %12d\n' $((now - start)) "$n" "$rate" "$(mib "$db")" "$(mib "$journal")" "$oldest" "$delivered" "$out"
  prev_t=$now
  prev_n=$n
  prev_d=$delivered
  if [ "$n" -ge "$EVENTS" ]; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { tail -50 "$work/service.log"; echo "the service exited" >&2; exit 1; }
done
kill "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
wrk_pid=
ingest_total=$(( n / ($(date +%s) - start) ))
echo "ingest: $n events in $(( $(date +%s) - start )) s, $ingest_total/s on average" >&2

# Quiet: the last events age out and are purged; the sizes are read again after RETENTION and two intervals.
if [ "$RETENTION" = off ]; then
  settle=10
else
settle=$(( $(awk -v d="$RETENTION" 'BEGIN {n = d + 0; u = substr(d, length(d)); print (u == "m" ? n * 60 : (u == "h" ? n * 3600 : n))}') + 2 * $(awk -v d="$INTERVAL" 'BEGIN {n = d + 0; u = substr(d, length(d)); print (u == "m" ? n * 60 : n)}') + 10 ))
fi
echo "no traffic for ${settle}s: the rest ages out..." >&2
sleep "$settle"
read -r n db journal oldest delivered < <(sample)
printf 'after the soak, at rest: database %s MiB, journal %s MiB, oldest event %s s, data directory %s\n' "$(mib "$db")" "$(mib "$journal")" "$oldest" \
  "$(du -sh "$work/data" | cut -f1)"
echo "retention runs that removed something: $(grep -c 'Retention removed' "$work/service.log" || true); the last:"
grep 'Retention removed' "$work/service.log" | tail -1 || true
echo "non-2xx answers: $(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk.txt")"
echo "service peak RSS $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status") MiB"
