#!/usr/bin/env bash
# The long black-box fuzz run (PRODUCT.md §2 "Hostile traffic and limits"): IngestFuzzTest with
# 1,000,000 generated bodies instead of its default 10,000. The assertions are the test's: no status
# >= 500, every 4xx a problem+json with status and detail, every accepted event read back through
# GET /api/v1/events/{id} schema-valid and within the §2 limits.
#
#   bench/fuzz.sh                      # 1,000,000 bodies, a random seed
#   BODIES=50000 bench/fuzz.sh         # a shorter run (or: bench/fuzz.sh 50000)
#   SEED=1234 bench/fuzz.sh            # the same bodies again
#   FIRST=421337 BODIES=1 SEED=1234 bench/fuzz.sh   # one body of that run
#   CONCURRENCY=8 HEAP=1g              # senders in flight; heap of the test JVM (service + fuzzer)
#
# Progress lines and the summary are printed here; the whole Maven output (with the failure examples
# and the service's log) is in target/fuzz-run.log, the failing bodies in target/fuzz-failures/.
# The test JVM gets a fixed heap so a leak would show as an OutOfMemoryError, not as a slow machine.
# Exit status: Maven's, non-zero when the fuzzer found failures.
set -euo pipefail
cd "$(dirname "$0")/.."

BODIES=${BODIES:-${1:-1000000}}
SEED=${SEED:-$(( (RANDOM << 30) | (RANDOM << 15) | RANDOM ))}
FIRST=${FIRST:-0}
CONCURRENCY=${CONCURRENCY:-4}
HEAP=${HEAP:-1g}
LOG=target/fuzz-run.log
mkdir -p target

echo "fuzz.sh: $BODIES bodies from #$FIRST, seed $SEED, $CONCURRENCY senders, heap $HEAP; output in $LOG"
start=$(date +%s)
# The service's DEBUG lines (one per refused body) would make the log grow by gigabytes; INFO keeps
# its warnings and the stack trace of every 500, which is what a failure needs.
./mvnw -B test -Dtest=IngestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.bodies="$BODIES" -Dfuzz.seed="$SEED" -Dfuzz.first="$FIRST" -Dfuzz.concurrency="$CONCURRENCY" \
    -DargLine="-Xmx$HEAP -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=target" \
    '-Dquarkus.log.category."io.coursewire".level=INFO' \
    >"$LOG" 2>&1 &
mvn=$!
tail -n +1 -F "$LOG" --pid="$mvn" 2>/dev/null | grep --line-buffered -E '^fuzz:' || true
rc=0
wait "$mvn" || rc=$?
elapsed=$(( $(date +%s) - start ))

# The report up to its examples (summary line, status table, failures by kind, field and value).
awk '/^FUZZ SUMMARY/ { on = 1 } on && /^EXAMPLES:/ { exit } on { print }' "$LOG"
grep -E '^\[(ERROR|WARNING)\] Tests run:|OutOfMemoryError' "$LOG" | head -5 || true
echo "fuzz.sh: exit $rc after ${elapsed}s (seed $SEED); examples and service log in $LOG, failing bodies in target/fuzz-failures/"
exit "$rc"
