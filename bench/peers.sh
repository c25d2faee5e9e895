#!/usr/bin/env bash
# Peers benchmark: the same TagMango flow on three peers, one after the other, in one run.
#   1. bare platform-http (JSON): POST /bench/bare in Coursewire (bench/bare-route.yaml): parse and 202.
#   2. Coursewire durable TagMango: POST /webhooks/tagmango, the packaged service, stored durably.
#   3. Node-RED 4.1.7: http-in -> function -> http-response (bench/node-red/flows.json): the same checks
#      and normalization as Coursewire's TagMango translator (token, JSON, fields, event id, canonical
#      CloudEvents JSON), nothing stored.
# Each peer is warmed for WARMUP, then measured for DURATION with wrk (bench/tagmango.lua, distinct
# events). Coursewire is stopped before Node-RED starts, so the peers never share the CPU. Before any
# load, one TagMango sample (and two variants) go to Coursewire and to Node-RED: both must answer 202
# with the same event id, or the script fails.
#
#   bench/peers.sh                                   # build, then run (about 3.5 minutes)
#   SKIP_BUILD=1 WARMUP=3s DURATION=3s bench/peers.sh # a quick check
#   DURATION=10s WARMUP=60s CONNECTIONS=64 THREADS=2 PORT=18080 NODE_RED_PORT=18880 bench/peers.sh
#   NODE_RED_DIR=~/.cache/coursewire-bench/node-red-4.1.7   # where node-red@4.1.7 is installed (npm), once
#   KEEP=1                                           # keep the temporary dir (logs, wrk output)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
# C2 needs about a minute on 2 cores before the durable path is compiled.
WARMUP=${WARMUP:-60s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
NODE_RED_PORT=${NODE_RED_PORT:-18880}
NODE_RED_VERSION=4.1.7
NODE_RED_DIR=${NODE_RED_DIR:-$HOME/.cache/coursewire-bench/node-red-$NODE_RED_VERSION}
NODE=${NODE:-node}
JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options}
# shellcheck source=bench/common.sh
. bench/common.sh
token=${COURSEWIRE_SOURCES_TAGMANGO_SECRET:-tagmango-demo-secret}
export COURSEWIRE_SOURCES_TAGMANGO_SECRET=$token # both Coursewire and the Node-RED flow read it

need_wrk
if ! "$NODE" -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' 2>/dev/null; then
  echo "Node-RED $NODE_RED_VERSION needs Node.js 18 or later; set NODE" >&2
  exit 1
fi
red_js="$NODE_RED_DIR/node_modules/node-red/red.js"
if [ "$("$NODE" -p "require('$NODE_RED_DIR/node_modules/node-red/package.json').version" 2>/dev/null)" != "$NODE_RED_VERSION" ]; then
  echo "installing node-red@$NODE_RED_VERSION into $NODE_RED_DIR (npm)" >&2
  mkdir -p "$NODE_RED_DIR"
  (cd "$NODE_RED_DIR" && npm install --no-audit --no-fund --loglevel=error "node-red@$NODE_RED_VERSION" >&2)
fi
build_unless_skipped

require_free_ports "PORT / NODE_RED_PORT" "$PORT" "$NODE_RED_PORT"

work=$(mktemp -d)
pid=
nr_pid=
stop() { # pid: TERM, then KILL after 30 s
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
trap 'stop "$nr_pid"; stop "$pid"; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
printf 'targets: []\n' > "$work/targets.yaml"

durable_url="http://127.0.0.1:$PORT/webhooks/tagmango?token=$token"
bare_url="http://127.0.0.1:$PORT/bench/bare"
nr_url="http://127.0.0.1:$NODE_RED_PORT/webhooks/tagmango?token=$token"

run_wrk() { # name url duration
  RUN_TAG="$1$RANDOM" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency -s bench/tagmango.lua "$2" > "$work/$1.txt" 2>&1 || true
}
# req/s, p99 in ms, non-2xx count, socket errors (as bench/ingest.sh)
summarize() {
  local f=$1
  local rps p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f"); rps=${rps:-0}
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' "$f"); p99=${p99:-0}
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$f"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors:/ {s=0; for (i=3;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) {gsub(",","",$i); s+=$i}; print s}' "$f"); errors=${errors:-0}
  echo "$rps $p99 $non2xx $errors"
}
peak_mib() { awk '/^VmHWM:/ {printf "%d", $2/1024}' "/proc/$1/status"; }

# The same-normalization check: TagMango's documented sample (../shared/vendor-docs/tagmango-course-completed.md),
# a body as bench/tagmango.lua sends it, and one with an offset time, a fraction and a padded course id.
samples=(
  '{"name":"Student Name","email":"student@example.com","phone":1234567890,"course":"Example course","courseId":"634fc35ddaf58580e2418c40","lastProgressOn":"2023-11-20T18:30Z"}'
  '{"name":"Bench Learner","email":"lcheck-1-1@example.com","phone":5511999990000,"course":"Bench course","courseId":"c1","lastProgressOn":"2023-11-20T18:30Z"}'
  '{"name":"Zoë","email":"zoe@example.com","phone":"+55 11 99999-0000","course":"Curso","courseId":" 42 ","lastProgressOn":"2023-11-20T15:30:05.25-03:00"}'
)
ids_of() { # url -> one event id per sample, or "HTTP <status>"
  local s code
  for s in "${samples[@]}"; do
    code=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$s" "$1" || true)
    if [ "$code" = 202 ]; then
      printf '%s\n' "$(sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p' "$work/answer.json")"
    else
      echo "HTTP $code: $(head -c 300 "$work/answer.json" | tr -d '\r\n')"
    fi
  done
}
check_same_ids() { # label, then compares ids_of(nr_url) with $cw_ids
  local nr_ids i
  mapfile -t nr_ids < <(ids_of "$nr_url")
  for i in "${!samples[@]}"; do
    printf '  sample %d  Coursewire %-36s  Node-RED %s\n' "$((i + 1))" "${cw_ids[$i]}" "${nr_ids[$i]:-none}" >&2
    if [[ ! "${cw_ids[$i]}" =~ ^evt_[0-9a-f]{32}$ ]] || [ "${cw_ids[$i]}" != "${nr_ids[$i]:-}" ]; then
      echo "FAIL ($1): Coursewire and Node-RED do not answer 202 with the same event id for sample $((i + 1))" >&2
      exit 1
    fi
  done
}

start_coursewire() {
  launch_service "$work/data" "$work/targets.yaml" "$work/service.log" \
    -Dcamel.main.routes-include-pattern="${ROUTES:-file:routes/*.yaml,file:bench/bare-route.yaml}"
  await_ready "$work/service.log"
}
start_node_red() { # its own userDir in the work dir, with copies of bench/node-red/{settings.js,flows.json}
  local dir="$work/node-red" code
  rm -rf "$dir"; mkdir -p "$dir"
  cp bench/node-red/settings.js bench/node-red/flows.json "$dir/"
  "$NODE" "$red_js" --settings "$dir/settings.js" --userDir "$dir" --port "$NODE_RED_PORT" "$dir/flows.json" \
    > "$work/node-red.log" 2>&1 &
  nr_pid=$!
  # Ready when the flow answers: a POST without a token is its 401 (404 until the flow has started).
  for _ in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' \
      "http://127.0.0.1:$NODE_RED_PORT/webhooks/tagmango" || true)
    [ "$code" = 401 ] && return 0
    kill -0 "$nr_pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$work/node-red.log"; echo "Node-RED did not start its flow" >&2; exit 1
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
start_coursewire
mapfile -t cw_ids < <(ids_of "$durable_url")
echo "same normalization: Coursewire and a fresh Node-RED $NODE_RED_VERSION ($("$NODE" --version)) on the same samples..." >&2
start_node_red
check_same_ids "before load"
stop "$nr_pid"; nr_pid=

# The bare route goes first so that it does not compete with the router draining the durable backlog.
echo "bare route: warm-up $WARMUP, then $DURATION measured ($CONNECTIONS connections, $THREADS wrk threads)..." >&2
run_wrk warm-bare "$bare_url" "$WARMUP"
run_wrk bare "$bare_url" "$DURATION"
bare_rss=$(peak_mib "$pid") # the JVM's peak so far: start, samples, bare route
echo "Coursewire durable TagMango: warm-up $WARMUP, then $DURATION measured..." >&2
run_wrk warm-durable "$durable_url" "$WARMUP"
run_wrk durable "$durable_url" "$DURATION"
dur_rss=$(peak_mib "$pid") # the same JVM's peak over both routes
stop "$pid"; pid=

echo "Node-RED $NODE_RED_VERSION: warm-up $WARMUP, then $DURATION measured..." >&2
start_node_red
check_same_ids "measured process"
run_wrk warm-node-red "$nr_url" "$WARMUP"
run_wrk node-red "$nr_url" "$DURATION"
nr_rss=$(peak_mib "$nr_pid")
stop "$nr_pid"; nr_pid=

read -r bare_rps bare_p99 bare_non2xx bare_err < <(summarize "$work/bare.txt")
read -r dur_rps dur_p99 dur_non2xx dur_err < <(summarize "$work/durable.txt")
read -r nr_rps nr_p99 nr_non2xx nr_err < <(summarize "$work/node-red.txt")

row() { printf '%-33s %9.0f %10.2f %8d %8d %13d\n' "$@"; }
printf '\n%-33s %9s %10s %8s %8s %13s\n' "peer" "req/s" "p99 ms" "non-2xx" "sockerr" "peak RSS MiB"
row "bare platform-http (JSON)" "$bare_rps" "$bare_p99" "$bare_non2xx" "$bare_err" "$bare_rss"
row "Coursewire durable TagMango" "$dur_rps" "$dur_p99" "$dur_non2xx" "$dur_err" "$dur_rss"
row "Node-RED $NODE_RED_VERSION (normalize only)" "$nr_rps" "$nr_p99" "$nr_non2xx" "$nr_err" "$nr_rss"
echo
ratio() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN {if (b > 0) printf f, a / b; else printf "n/a"}'; }
echo "durable / bare ratio: $(ratio "$dur_rps" "$bare_rps" %.3f)   durable / Node-RED: $(ratio "$dur_rps" "$nr_rps" %.2f)"
echo "(both Coursewire rows are one JVM: its peak after the bare route, then over both routes)"
if [ -n "${VERBOSE:-}" ]; then cat "$work/bare.txt" "$work/durable.txt" "$work/node-red.txt"; fi
