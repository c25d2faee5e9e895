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

# Builds target/quarkus-app unless SKIP_BUILD is set.
build_unless_skipped() {
  if [ -z "${SKIP_BUILD:-}" ]; then
    ./mvnw -q package -DskipTests
  fi
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
