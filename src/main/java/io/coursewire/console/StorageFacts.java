package io.coursewire.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.coursewire.lifecycle.StoreSizes;
import io.quarkus.qute.TemplateData;

/**
 * The Live page's "Storage" section: what each store holds and how old its oldest record is, from
 * the last sample of {@link StoreSizes} (in memory), with the retention that bounds it. Pure: a sample
 * in, lines of text out.
 */
public final class StorageFacts {

    @TemplateData
    public record Fact(String id, String name, String value, String bound) {
    }

    private StorageFacts() {
    }

    public static List<Fact> of(StoreSizes.Sample s, Duration events, Duration deadLetters) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("store-database", "Database", bytes(s.databaseBytes()), ""));
        if (!Double.isNaN(s.journalBytes())) {
            facts.add(new Fact("store-journal", "Broker journal", bytes(s.journalBytes()), ""));
        }
        facts.add(new Fact("oldest-event", "Oldest event record", age(s.oldestEventSeconds()), "kept " + duration(events)));
        facts.add(new Fact("oldest-attempt", "Oldest delivery attempt", age(s.oldestAttemptSeconds()), "kept " + duration(events)));
        facts.add(new Fact("oldest-dead-letter", "Oldest dead letter", age(s.oldestDeadLetterSeconds()),
                "kept until replayed or deleted, at most " + duration(deadLetters)));
        return facts;
    }

    static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "—";
        }
        String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        int u = 0;
        double v = b;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", v) : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String age(double seconds) {
        if (Double.isNaN(seconds)) {
            return "—";
        }
        return duration(Duration.ofMillis((long) (seconds * 1000)));
    }

    /** Two units at most: "3 d 4 h", "12 min 5 s", "40 s". */
    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400) {
            return two(s / 86_400, "d", s % 86_400 / 3600, "h");
        }
        if (s >= 3600) {
            return two(s / 3600, "h", s % 3600 / 60, "min");
        }
        if (s >= 60) {
            return two(s / 60, "min", s % 60, "s");
        }
        return s + " s";
    }

    private static String two(long a, String unitA, long b, String unitB) {
        return b == 0 ? a + " " + unitA : a + " " + unitA + " " + b + " " + unitB;
    }
}
