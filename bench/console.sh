#!/usr/bin/env bash
# Console page times (issue 16): each page of the operator console loaded LOADS times (100) on one
# kept-alive connection, with EVENTS (100,000) events and DEAD (10,000) dead letters in the store; prints
# p50 / p99 / max per page in ms (curl's time_total: the server's time plus loopback).
#
# Populates a fresh data directory first: DEAD events while the only target refuses connections and
# gives up after one attempt (each a dead letter), then, the targets file emptied (it is reloaded
# live), the rest of EVENTS, both with wrk and bench/tagmango.lua; then SUBSCRIPTIONS (100) subscribers.
#
#   bench/console.sh                              # build, then run
#   SKIP_BUILD=1 EVENTS=100000 DEAD=10000 LOADS=100 PORT=18095 bench/console.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-100000}
DEAD=${DEAD:-10000}
LOADS=${LOADS:-100}
PORT=${PORT:-18095}
CONNECTIONS=${CONNECTIONS:-32}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
need_wrk
build_unless_skipped
require_free_ports PORT "$PORT"

work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
base="http://127.0.0.1:$PORT"
token=bench-admin-token
printf 'targets:\n  - name: gone\n    type: http\n    url: http://127.0.0.1:9/refused\n' > "$work/targets.yaml"
launch_service "$work/data" "$work/targets.yaml" "$work/service.log" -Dcoursewire.admin.token=$token \
  -Dcoursewire.delivery.retry.max-attempts=1 -Dcoursewire.delivery.circuit.failure-threshold=1000000000 \
  -Dcoursewire.subscriptions.allow-private-networks=true
await_ready "$work/service.log"

counter() { # accepted events so far
  curl -s "$base/q/metrics" | awk -F' ' '/^coursewire_events_accepted_total\{/ {s += $2} END {printf "%d", s}'
}
fill_until() { # <accepted count>
  while [ "$(counter)" -lt "$1" ]; do
    RUN_TAG="c$RANDOM$RANDOM" wrk -t2 -c"$CONNECTIONS" -d5s -s bench/tagmango.lua "$base/webhooks/tagmango?token=tagmango-demo-secret" >/dev/null 2>&1 || true
  done
}
echo "populating: $DEAD events to a target that refuses (each a dead letter)..." >&2
fill_until "$DEAD"
# wait until every one of them is a dead letter (the service counts them)
for _ in $(seq 1 300); do
  n=$(curl -s "$base/q/metrics" | awk '/^coursewire_deliveries_dead_lettered_total\{/ {s += $2} END {printf "%d", s}')
  [ "${n:-0}" -ge "$(counter)" ] && break
  sleep 1
done
dead=${n:-0} # counted now: the counter goes with its target when the file changes
printf 'targets: []\n' > "$work/targets.yaml"
sleep 3 # the reload interval (1 s) twice over: the next events have no target
echo "populating: the rest of $EVENTS events with no target..." >&2
fill_until "$EVENTS"
accepted=$(counter)
echo "store: $accepted events accepted, $dead dead letters" >&2

# sign in once, as a browser would
jar="$work/cookies"
curl -s -o /dev/null -c "$jar" -X POST --data-urlencode "token=$token" "$base/console/sign-in"
grep -q coursewire_console "$jar" || { echo "sign-in failed" >&2; exit 1; }
event_id=$(curl -s -b "$jar" "$base/console/events" | grep -o 'evt_[0-9a-f]\{32\}' | head -1)
api() { curl -s -H "Authorization: Bearer $token" "$@"; }
events_next=$(api "$base/api/v1/events" | grep -o '"next":"[0-9]*"' | grep -o '[0-9]\+')
dead_next=$(api "$base/api/v1/dead-letters?limit=100" | grep -o '"id":"[0-9]*"' | tail -1 | grep -o '[0-9]\+')
# SUBSCRIPTIONS (100) subscribers, made after the events so that none of them is sent one
for i in $(seq 1 "${SUBSCRIPTIONS:-100}"); do
  hook=$(echo course_enrolled course_progressed course_completed course_participation_updated | cut -d' ' -f$((i % 4 + 1)))
  api -o /dev/null -X POST -H 'Content-Type: application/json' -d "{\"url\":\"http://127.0.0.1:9/subscriber/$i?key=k$i\"}" \
    "$base/api/v1/rest_hooks/$hook/subscriptions"
done

measure() { # <name> <path>
  local urls=() i
  for i in $(seq 1 "$LOADS"); do urls+=(-o /dev/null "$base$2"); done
  curl -s -b "$jar" -w '%{http_code} %{time_total}\n' "${urls[@]}" > "$work/times.txt"
  local bad
  bad=$(awk '$1 != 200' "$work/times.txt" | wc -l)
  awk '{printf "%.3f\n", $2 * 1000}' "$work/times.txt" | sort -n | awk -v name="$1" -v bad="$bad" '
    {t[NR] = $1}
    END {
      n = NR
      printf "%-32s %6.1f %6.1f %6.1f   (%d loads%s)\n", name, t[int(n * 0.5 + 0.5)], t[int(n * 0.99 + 0.5)], t[n], n, (bad > 0 ? ", " bad " not 200" : "")
    }'
}
# warm-up: the JIT compiles the pages' code paths before they are timed
pages=(/console/events "/console/events/$event_id" /console/dead-letters /console/targets /console/subscriptions /console/live /console/live/charts)
for p in "${pages[@]}"; do
  measure warm "$p" > /dev/null
done
printf '\n%-32s %6s %6s %6s   (ms)\n' page p50 p99 max
measure "events (newest 50)" /console/events
measure "events, filtered by vendor" "/console/events?vendor=tagmango"
measure "events, filtered by id" "/console/events?id=$event_id"
measure "events, filtered by course" "/console/events?course=c42"
measure "events, second page" "/console/events?before=$events_next"
measure "event (body, attempts)" "/console/events/$event_id"
measure "dead letters (newest 100)" /console/dead-letters
measure "dead letters of a target" "/console/dead-letters?target=gone"
measure "dead letters, second page" "/console/dead-letters?before=$dead_next"
measure "targets" /console/targets
measure "subscriptions (${SUBSCRIPTIONS:-100})" /console/subscriptions
measure "live" /console/live
measure "live charts (its refresh)" /console/live/charts
echo
echo "store: $accepted events, $dead dead letters; service peak RSS $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status") MiB"
