#!/usr/bin/env python3
"""Where a JFR recording's CPU samples fall, by library: each jdk.ExecutionSample is given to the
first frame from the top of its stack that belongs to a library named below (so a JDK collection
called from H2 counts as H2), and the shares are printed largest first. Java frames only: the GC,
the JIT and native I/O are not sampled; bench/thread-cpu.sh counts those.

usage: python3 bench/jfr_by_library.py <recording.jfr>
   a recording: JAVA_OPTS='@config/jvm.options -XX:StartFlightRecording=delay=145s,duration=18s,settings=profile,filename=/tmp/ingest.jfr' \
                SKIP_BUILD=1 WARMUP=60s DURATION=20s PROFILE=1 bench/ingest.sh   (the delay puts it in the durable run)
"""
import collections
import re
import subprocess
import sys

LIBRARIES = [
    ('io.coursewire.', 'Coursewire'),
    ('org.h2.', 'H2'),
    ('org.apache.activemq.', 'Artemis'),
    ('org.apache.camel.', 'Camel'),
    ('io.vertx.', 'Vert.x'),
    ('io.netty.', 'Netty'),
    ('io.quarkus.', 'Quarkus'),
    ('com.fasterxml.jackson.', 'Jackson'),
    ('io.agroal.', 'Agroal'),
    ('io.micrometer.', 'Micrometer'),
    ('org.jboss.logging.', 'logging'),
    ('org.jboss.logmanager.', 'logging'),
]
FRAME = re.compile(r'^\s+([\w.$/<>]+)\(')


def library(method):
    for prefix, name in LIBRARIES:
        if method.startswith(prefix):
            return name
    return None


def main():
    out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', sys.argv[1]],
                         capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    total = 0
    frames = None
    for line in out.splitlines():
        if line.startswith('jdk.ExecutionSample'):
            frames = []
        elif frames is not None and line.strip().startswith(']'):
            total += 1
            owner = next((lib for lib in map(library, frames) if lib), None)
            counts[owner or ('JDK' if frames and frames[0].startswith(('java.', 'jdk.', 'sun.')) else 'other')] += 1
            frames = None
        elif frames is not None:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))
    print(f'{total} CPU samples (Java frames), by the first library on the stack:')
    for name, n in counts.most_common():
        print(f'  {100.0 * n / total:5.1f}%  {name}')


if __name__ == '__main__':
    main()
