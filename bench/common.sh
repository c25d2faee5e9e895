# Sourced by the bench scripts (run from the repository root): the service's environment as the
# README starts it, and the set-up every load script does first.

# glibc keeps at most two malloc arenas, and gives blocks of 32 KB and more (the C2 compiler's arenas)
# straight back to the OS when they are freed.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-32768}

need_wrk() {
  if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)" >&2
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
  fi
}

# Builds target/coursewire-runner.jar unless SKIP_BUILD is set, then makes its class archive if it is not current
# (bin/coursewire), so that no measured start includes the training run.
build_unless_skipped() {
  if [ -z "${SKIP_BUILD:-}" ]; then
    ./mvnw -q package -DskipTests
  fi
  JAVA_OPTS=${JAVA_OPTS:-@config/jvm.options} bin/coursewire --archive-only
}

# require_free_ports "PORT / SINK_PORT" 18080 19001: exits if something already answers on one of them.
require_free_ports() {
  local names=$1 p
  shift
  for p in "$@"; do
    if curl -s -o /dev/null "http://127.0.0.1:$p/"; then
      echo "port $p is already in use; stop what listens there or set $names" >&2
      exit 1
    fi
  done
}

# launch_service <data dir> <targets file> <log> [more java options]: starts the packaged service as the
# README does (bin/coursewire: its class archive, unless COURSEWIRE_CDS=off) on $PORT with $JAVA_OPTS,
# in the background; its pid (the JVM's: the launcher execs it) is left in $pid.
launch_service() {
  local data=$1 targets=$2 log=$3
  shift 3
  JAVA_OPTS="$JAVA_OPTS" bin/coursewire \
    -Dquarkus.http.port="$PORT" \
    -Dcoursewire.data-dir="$data" \
    -Dcoursewire.targets.file="$targets" \
    "$@" > "$log" 2>&1 &
  pid=$!
}

# await_ready <log>: waits up to 60 s for GET /q/health/ready on $PORT; if the service exits or does not
# become ready, prints the end of its log and exits.
await_ready() {
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  tail -50 "$1"; echo "the service did not become ready (log above: $1)" >&2; exit 1
}
