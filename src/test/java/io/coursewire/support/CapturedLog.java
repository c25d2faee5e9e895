package io.coursewire.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every line the service logs while it listens, as text: the message, its parameters and the causes
 * of what it threw, whatever the level. For tests that assert what must never appear in a log.
 */
public final class CapturedLog extends Handler {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String ignoredPrefix;

    /** @param ignoredPrefix a logger name prefix not captured (a test's own server), or null */
    public CapturedLog(String ignoredPrefix) {
        this.ignoredPrefix = ignoredPrefix;
    }

    public CapturedLog listen() {
        Logger.getLogger("").addHandler(this);
        return this;
    }

    public void stop() {
        Logger.getLogger("").removeHandler(this);
    }

    public List<String> lines() {
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        if (ignoredPrefix != null && record.getLoggerName() != null && record.getLoggerName().startsWith(ignoredPrefix)) {
            return;
        }
        StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
                text.append(' ').append(p);
            }
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(' ').append(t);
        }
        lines.add(text.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
