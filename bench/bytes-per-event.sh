#!/usr/bin/env bash
# Bytes stored per event (issue 17): EVENTS (60,000) TagMango events with wrk and bench/tagmango.lua,
# no targets, on a fresh data directory; after a graceful stop prints the database's and the broker
# journal's bytes, and each divided by the events accepted. Extra arguments go to the service, e.g.
#   SKIP_BUILD=1 bench/bytes-per-event.sh
#   SKIP_BUILD=1 URL_OPTS="COMPRESS=FALSE" bench/bytes-per-event.sh     # the H2 URL's last options
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-60000}
PORT=${PORT:-18097}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
need_wrk
build_unless_skipped
require_free_ports PORT "$PORT"

work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'targets: []\n' > "$work/targets.yaml"
url=()
if [ -n "${URL_OPTS:-}" ]; then
  url=(-Dquarkus.datasource.jdbc.url="jdbc:h2:file:$work/data/db/coursewire;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=8192;$URL_OPTS")
fi
launch_service "$work/data" "$work/targets.yaml" "$work/service.log" "${url[@]}" "$@"
await_ready "$work/service.log"
base="http://127.0.0.1:$PORT"
accepted() { curl -s "$base/q/metrics" | awk '/^coursewire_events_accepted_total\{/ {s += $2} END {printf "%d", s}'; }
while [ "$(accepted)" -lt "$EVENTS" ]; do
  RUN_TAG="b$RANDOM$RANDOM" wrk -t2 -c32 -d5s -s bench/tagmango.lua "$base/webhooks/tagmango?token=tagmango-demo-secret" >/dev/null 2>&1 || true
done
n=$(accepted)
sleep 3 # the event log's writer catches up
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
db=$(du -sb "$work/data/db" | cut -f1)
journal=$(du -sb "$work/data/broker" | cut -f1)
printf 'events %d  database %d bytes (%d per event)  broker journal %d bytes (%d per event)\n' \
  "$n" "$db" $((db / n)) "$journal" $((journal / n))
