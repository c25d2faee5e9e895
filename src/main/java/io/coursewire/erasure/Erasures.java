package io.coursewire.erasure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.coursewire.channel.ChannelPurger;
import io.coursewire.channel.Channels;
import io.coursewire.delivery.DeliveryRecords;
import io.coursewire.delivery.ErasedEvents;
import io.coursewire.eventlog.EventLog;
import io.coursewire.targets.FileTarget;
import io.coursewire.targets.TargetRegistry;

/**
 * Erasure, a learner's right to be forgotten (PRODUCT.md §10): every stored event, attempt and dead
 * letter of the learner removed, the deliveries still pending for them cancelled, the files of file
 * targets that hold their events listed (the operator's, never touched), and an audit record that
 * keeps only a one-way hash of the identifier. One erasure at a time, in this order:
 * <ol>
 * <li>the learner is remembered ({@link ErasedLearners}), so an event of theirs accepted before now that
 * the router holds at this moment is neither delivered nor logged, and their events still waiting on the
 * events channel are purged, by the learner key each message carries;</li>
 * <li>the event log's writer is waited for, so that the events routed a moment ago are in the database;</li>
 * <li>the learner's events are found there ({@link LearnerRecords}, each checked against its own JSON);</li>
 * <li>their ids are remembered ({@link ErasedEvents}), so a delivery a consumer already holds is dropped
 * rather than attempted, retried or dead-lettered, then every delivery queue (removed targets' too), the
 * subscribers' queue and the broker's dead-letter queue are purged of them, scheduled retries included;</li>
 * <li>the attempts' writer is waited for, then the rows are deleted;</li>
 * <li>the file targets' directories are searched, and the audit entry stored.</li>
 * </ol>
 *
 * <p>Limits: both memories are this instance's. In profile cluster, an attempt under way on another
 * instance while this runs may still store one attempt row, retry or dead letter there, and an event
 * another instance's router holds at that moment may still be logged and delivered. Erasing again
 * removes what either left. Events queued before their messages
 * carried learner keys are found only once routed. A key is 64 bits: a purge by key on the events
 * channel could, with odds of 2^-64 per event, also take another learner's unrouted event.
 */
@Singleton
public class Erasures {

    private static final Logger LOG = Logger.getLogger(Erasures.class);
    /** Ids per selector: a few KB of selector each, well within what the broker parses. */
    static final int IDS_PER_SELECTOR = 100;
    /** Files listed at most; the answer says when there were more. */
    static final int MOST_FILES = 1_000;
    private static final Duration WRITER_WAIT = Duration.ofSeconds(30);

    public record Outcome(String erasure, int events, int attempts, int deadLetters, long pendingCancelled, List<String> files,
            boolean filesTruncated) {
    }

    private final LearnerRecords records;
    private final ErasureAudit audit;
    private final ChannelPurger purger;
    private final ErasedEvents erased;
    private final EventLog eventLog;
    private final DeliveryRecords deliveryRecords;
    private final TargetRegistry targets;
    private final ErasedLearners learners;

    @Inject
    public Erasures(LearnerRecords records, ErasureAudit audit, ChannelPurger purger, ErasedEvents erased, EventLog eventLog,
            DeliveryRecords deliveryRecords, TargetRegistry targets, ErasedLearners learners) {
        this.records = records;
        this.audit = audit;
        this.purger = purger;
        this.erased = erased;
        this.eventLog = eventLog;
        this.deliveryRecords = deliveryRecords;
        this.targets = targets;
        this.learners = learners;
    }

    public synchronized Outcome erase(LearnerIdentity who) throws Exception {
        long cancelled;
        LearnerRecords.Found found;
        learners.add(who, System.currentTimeMillis());
        try (ChannelPurger.Purge purge = purger.open()) {
            cancelled = purge.remove(Channels.EVENTS, keySelector(who.messageProperty(), who.key()));
            awaitWriter(eventLog.awaitRecorded(WRITER_WAIT), "event log");
            found = records.find(who);
            Set<String> ids = found.eventIds();
            erased.add(ids);
            List<String> queues = new ArrayList<>(purge.queues(Channels.DELIVERY_PREFIX));
            queues.add(Channels.SUBSCRIBER_DELIVERIES);
            queues.add(Channels.DEAD_LETTERS);
            for (String selector : idSelectors(ids)) {
                for (String queue : queues) {
                    cancelled += purge.remove(queue, selector);
                }
            }
        }
        awaitWriter(deliveryRecords.awaitRecorded(WRITER_WAIT), "delivery attempts");
        LearnerRecords.Removed removed = records.remove(found);
        FileTargetFiles.Listing files = FileTargetFiles.holding(fileTargetDirectories(), found.eventIds(), MOST_FILES);
        ErasureAudit.Entry entry = audit.record(who.kind().label(), who.auditHash(), removed.events(), removed.attempts(), removed.deadLetters(),
                (int) Math.min(Integer.MAX_VALUE, cancelled), files.files().size());
        // The hash, never the identifier: the log is not the place for personal data.
        LOG.infof("Erasure %s of a learner (%s hash %s): %d events, %d attempts, %d dead letters removed, %d pending deliveries cancelled,"
                + " %d files of file targets listed", entry.id(), entry.kind(), entry.identifierHash(), removed.events(), removed.attempts(),
                removed.deadLetters(), cancelled, files.files().size());
        return new Outcome(entry.id(), removed.events(), removed.attempts(), removed.deadLetters(), cancelled, files.files(), files.truncated());
    }

    public List<ErasureAudit.Entry> list(int limit) throws Exception {
        return audit.list(limit);
    }

    /** Not waiting forever on a database that is away: the erasure then fails, and may be asked again. */
    private static void awaitWriter(boolean written, String what) {
        if (!written) {
            throw new IllegalStateException("the " + what + " writer did not catch up within " + WRITER_WAIT.toSeconds() + " s");
        }
    }

    private List<Path> fileTargetDirectories() {
        List<Path> directories = new ArrayList<>();
        for (var target : targets.all()) {
            if (target instanceof FileTarget file) {
                directories.add(Path.of(file.directory()));
            }
        }
        return directories;
    }

    /** A selector on a long property; the one key no literal can spell is compared instead. */
    static String keySelector(String property, long key) {
        return key == Long.MIN_VALUE ? property + " < -9223372036854775807" : property + " = " + key;
    }

    /** {@code eventId IN ('…', …)}, {@value #IDS_PER_SELECTOR} ids at most each. */
    static List<String> idSelectors(Set<String> ids) {
        List<String> selectors = new ArrayList<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += IDS_PER_SELECTOR) {
            StringBuilder s = new StringBuilder("eventId IN (");
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_SELECTOR));
            for (int i = 0; i < chunk.size(); i++) {
                s.append(i == 0 ? "'" : ", '").append(chunk.get(i).replace("'", "''")).append('\'');
            }
            selectors.add(s.append(')').toString());
        }
        return selectors;
    }
}
