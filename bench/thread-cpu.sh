#!/usr/bin/env bash
# CPU used by each group of a process's threads over a window, from /proc (user + system time):
# where the time goes, including what a Java profiler does not sample (GC, the JIT, native I/O).
#
#   bench/thread-cpu.sh PID SECONDS
set -euo pipefail
pid=$1
secs=$2
# One pass over every thread's stat line: "tid (name) state ... utime stime ..."; the name may hold
# spaces, so the fields are counted from the closing parenthesis.
snap() {
  # A thread may end between the glob and the read: cat then fails, and that is not an error here.
  { cat /proc/"$pid"/task/*/stat 2>/dev/null || true; } | awk '{
    lp = index($0, "("); rp = match($0, /\) [A-Z] /)
    name = substr($0, lp + 1, rp - lp - 1)
    split(substr($0, rp + 2), f, " ")
    printf "%s|%s|%d\n", $1, name, f[12] + f[13]
  }'
}
before=$(snap)
sleep "$secs"
after=$(snap)
hz=$(getconf CLK_TCK)
# Threads are grouped by name with digits folded (vert.x-eventloop-thread-0 and -1 are one group).
awk -F'|' -v hz="$hz" -v secs="$secs" '
  NR == FNR { start[$1] = $3; next }
  $3 != "" { name = $2; gsub(/[0-9]+/, "N", name); used[name] += $3 - start[$1]; total += $3 - start[$1] }
  END {
    for (n in used) if (used[n] > 0) printf "%8.2f cores %6.1f%%  %s\n", used[n] / hz / secs, 100 * used[n] / total, n
    printf "%8.2f cores          all threads\n", total / hz / secs
  }' <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sort -rn | head -25
