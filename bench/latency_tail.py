#!/usr/bin/env python3
"""Where the latency scenario's slow events come from (bench/delivery.sh with LAT_TRACE=<dir>).

Lines each event slower than the threshold up with what was going on at the time:
  harness     a pause of the harness JVM (it stalls the sink and the load alike), or the 150 ms after one
  service     a safepoint pause of the service (its young and full collections) around the event
  compaction  the broker's journal compaction (from the first .cmp file seen to the files' drop)
  other       none of these
and prints how many events each explains and the p99 without them, so a change can be aimed at the
cause that holds the p99. Reads from <dir>: latency.txt (each event: 202 time in epoch ms, 202 ->
delivery ms), service-safepoints.log and harness-safepoints.log (-Xlog:safepoint:file=...:time),
journal.txt (epoch ms, data files, .cmp files; sampled every 250 ms).

usage: python3 bench/latency_tail.py <dir> [threshold_ms]
"""
import datetime
import os
import re
import sys

SAFEPOINT = re.compile(r'\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d{4})\].*Safepoint "(\w+)".*Total: (\d+) ns')


def safepoints(path, min_ms=1.0):
    """(start, end, ms, name) of each safepoint longer than min_ms, times in epoch ms."""
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        m = SAFEPOINT.search(line)
        if not m:
            continue
        end = datetime.datetime.strptime(m.group(1) + m.group(2), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000
        ms = int(m.group(4)) / 1e6
        if ms >= min_ms:
            out.append((end - ms, end, ms, m.group(3)))
    return out


def compactions(path):
    """(start, end) of each journal compaction seen: .cmp files present, until the data files drop."""
    out, start, last = [], None, None
    if not os.path.exists(path):
        return out
    for line in open(path):
        t, files, cmp = (int(x) for x in line.split())
        if cmp > 0 and start is None:
            start = t
        if last is not None and files < last[1] - 2:
            out.append((start if start is not None else last[0], t))
            start = None
        last = (t, files)
    return out


def pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))] if sorted_values else float('nan')


def main():
    d = sys.argv[1]
    threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    events = sorted(tuple(map(float, line.split())) for line in open(os.path.join(d, 'latency.txt')))
    svc = safepoints(os.path.join(d, 'service-safepoints.log'))
    har = safepoints(os.path.join(d, 'harness-safepoints.log'))
    cmp = compactions(os.path.join(d, 'journal.txt'))
    t0, t1 = events[0][0], events[-1][0]

    def cause(ack, lat):
        # the 202 may itself trail the stall, hence the margins before it
        if any(s[0] - 5 < ack < s[1] + 150 or ack - 5 < s[1] < ack + lat for s in har):
            return 'harness'
        if any(c[0] - 500 < ack < c[1] + 300 for c in cmp):
            return 'compaction'
        if any(ack - 40 < s[1] < ack + lat + 5 for s in svc):
            return 'service'
        return 'other'

    counts = {'harness': 0, 'compaction': 0, 'service': 0, 'other': 0}
    kept = {k: [] for k in counts}  # the latencies but the slow ones a cause explains
    for ack, lat in events:
        c = cause(ack, lat)
        if lat > threshold:
            counts[c] += 1
        for k in counts:
            if k != c or lat <= threshold:
                kept[k].append(lat)
    lats = sorted(e[1] for e in events)
    slow = sum(counts.values())
    print(f'{len(events)} events over {(t1 - t0) / 1000:.1f} s: p50 {pct(lats, 50):.1f}, p90 {pct(lats, 90):.1f}, '
          f'p99 {pct(lats, 99):.1f} ms; {slow} slower than {threshold:g} ms ({100.0 * slow / len(events):.2f}%; '
          f'the p99 holds at {threshold:g} ms while fewer than {len(events) // 100})')
    in_window = lambda xs: [x for x in xs if t0 - 1000 < x[1] and x[0] < t1 + 1000]
    print(f'  harness pauses over 1 ms: {len(in_window(har))} ({", ".join(f"{s[2]:.0f}" for s in in_window(har)) or "none"} ms)')
    print(f'  service pauses over 1 ms: {len(in_window(svc))}, {sum(s[2] for s in in_window(svc)):.0f} ms in all, '
          f'longest {max([s[2] for s in in_window(svc)] or [0]):.0f} ms')
    print(f'  journal compactions: {len(in_window(cmp))} '
          f'({", ".join(f"at {(c[0] - t0) / 1000:.1f} s for {(c[1] - c[0]) / 1000:.1f} s" for c in in_window(cmp)) or "none"})')
    for k in ('harness', 'compaction', 'service', 'other'):
        rest = sorted(kept[k])
        print(f'  {k:<10} {counts[k]:4d} of the slow events; p99 without them: {pct(rest, 99):.1f} ms')


if __name__ == '__main__':
    main()
