package io.coursewire.channel;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.utils.collections.LinkedListIterator;
import org.jboss.logging.Logger;

import io.coursewire.CoursewireConfig;

/**
 * The in-process ActiveMQ Artemis broker that is the durable channel between ingest and routing.
 * Its journal lives under {@code <data-dir>/broker} and is fsynced (with group commit) before a
 * send is confirmed. Beans that talk to the broker inject this one, so CDI starts it before them.
 * With {@code coursewire.broker.embedded=false} nothing starts and the URL names an external broker.
 */
@Singleton
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);

    /** Free journal files kept for reuse beyond those holding records; more are deleted when freed. */
    static final int JOURNAL_POOL_FILES = 4;

    /** Ids each delivery queue remembers; each id costs about 200 bytes of heap and a journal record. */
    static final int DELIVERY_DUPLICATE_WINDOW = 10_000;
    static final int SUBSCRIBER_DUPLICATE_WINDOW = 50_000;

    /**
     * Ids the events address remembers. The Idempotent Receiver's window (100,000 by default) is seeded
     * from the event log; the broker supplies what the log may lack after a crash (see
     * IdempotentReceiver#seed): the events not yet routed, which it reads from the queue itself ({@link
     * #acceptedIds}), and the routed ones whose rows still waited for the log's writer (at most
     * EventLog.QUEUED_ROWS plus a batch, 2,500), which only this cache still knows. Those are covered
     * while fewer than 17,500 events wait to be routed behind them. Each id here is a journal record
     * that keeps its journal file, and every other record in it, from being reclaimed: with 30,000 ids
     * the journal at rest held ~80 MB, 30,000 events' worth, and a start spent ~2 s reading it
     * (bench/README.md). Held for the whole window it also cost ~20 MB of heap.
     */
    static final int EVENTS_DUPLICATE_WINDOW = 20_000;

    private final CoursewireConfig settings;
    private volatile EmbeddedActiveMQ server;
    /** Why the running broker stopped itself (a critical IO error); null while it runs or after stop(). */
    private volatile String failure;

    @Inject
    public EmbeddedBroker(CoursewireConfig settings) throws Exception {
        this.settings = settings;
        if (settings.broker().embedded()) {
            start();
        } else if (settings.broker().url().startsWith("vm:")) {
            throw new IllegalStateException("coursewire.broker.embedded is false (profile cluster) but coursewire.broker.url is "
                    + settings.broker().url() + ", the embedded broker's; set it to the external broker: tcp://host:61616, or a list"
                    + " (tcp://a:61616,tcp://b:61616) for failover");
        }
    }

    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ().setConfiguration(configuration());
        failure = null;
        embedded.start();
        // On a critical IO error (a journal write that failed: a full disk, a dead device) Artemis stops
        // the server for good; this records why, for the liveness check and the log.
        embedded.getActiveMQServer().registerIOCriticalErrorListener((cause, message, file) -> {
            failure = message + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
            LOG.errorf("Embedded broker stopped itself after a critical IO error: %s; liveness reports DOWN so that the process"
                    + " is restarted (the journal gives back every accepted event)", failure);
        });
        server = embedded;
        LOG.infof("Embedded broker started; journal in %s", brokerDir().toAbsolutePath());
    }

    /** Stops the broker (a stopped broker makes ingest answer 503 until it is started again). */
    @PreDestroy
    public synchronized void stop() throws Exception {
        if (server != null) {
            EmbeddedActiveMQ s = server;
            server = null;
            s.stop();
        }
    }

    /** How many ids the events address's duplicate-id cache remembers. */
    public int eventsIdCacheSize() {
        return Math.min(settings.ingest().duplicateWindow(), EVENTS_DUPLICATE_WINDOW);
    }

    public boolean isEmbedded() {
        return settings.broker().embedded();
    }

    /** The running server, for operations and tests; null when stopped or not embedded. */
    public org.apache.activemq.artemis.core.server.ActiveMQServer server() {
        EmbeddedActiveMQ s = server;
        return s == null ? null : s.getActiveMQServer();
    }

    /**
     * Messages waiting on a queue, scheduled ones included, as this broker counts them; NaN when the
     * broker is not embedded (an external broker's own management is the source there) or has no such queue.
     */
    public double waiting(String queue) {
        ActiveMQServer s = server();
        Queue q = s == null ? null : s.locateQueue(SimpleString.of(queue));
        return q == null ? Double.NaN : q.getMessageCount();
    }

    /** {@link #waiting} for every queue whose name starts with {@code prefix}; empty when not embedded. */
    public Map<String, Long> waitingByPrefix(String prefix) {
        ActiveMQServer s = server();
        Map<String, Long> waiting = new TreeMap<>();
        if (s == null || s.getPostOffice() == null) {
            return waiting;
        }
        for (SimpleString address : s.getPostOffice().getAddresses()) {
            Queue q = address.toString().startsWith(prefix) ? s.locateQueue(address) : null;
            if (q != null) {
                waiting.put(address.toString(), q.getMessageCount());
            }
        }
        return waiting;
    }

    /**
     * The ids of the newest events the broker accepted on {@code address}, oldest first: those of its
     * messages not yet consumed (at most {@code coursewire.ingest.duplicate-window} of them: a backlog
     * can outgrow the id cache), then those of its journalled duplicate-id cache, which also holds
     * the last ones consumed. An id may appear twice. Null when the broker is not embedded.
     */
    public List<String> acceptedIds(String address) {
        ActiveMQServer s = server();
        if (s == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        Queue queue = s.locateQueue(SimpleString.of(address));
        if (queue != null) {
            int limit = settings.ingest().duplicateWindow();
            try (LinkedListIterator<MessageReference> unconsumed = queue.browserIterator()) {
                while (ids.size() < limit && unconsumed.hasNext()) {
                    byte[] id = unconsumed.next().getMessage().getDuplicateIDBytes();
                    if (id != null) {
                        ids.add(new String(id, UTF_8));
                    }
                }
            }
        }
        var cache = s.getPostOffice().getDuplicateIDCache(SimpleString.of(address));
        for (var entry : cache.getMap()) {
            ids.add(new String(entry.getA(), UTF_8));
        }
        return ids;
    }

    /**
     * True when the broker was started and has stopped without {@link #stop()}: Artemis stops itself
     * on a critical IO error and does not come back, so only a restart of the process helps.
     */
    public boolean hasStoppedItself() {
        EmbeddedActiveMQ s = server;
        if (s == null) {
            return false; // not embedded, or stopped on purpose
        }
        ActiveMQServer active = s.getActiveMQServer();
        return failure != null || active == null || active.getState() == ActiveMQServer.SERVER_STATE.STOPPING
                || active.getState() == ActiveMQServer.SERVER_STATE.STOPPED;
    }

    /** Why the broker stopped itself, when it did; null otherwise. */
    public String failure() {
        return hasStoppedItself() ? (failure == null ? "the broker stopped" : failure) : null;
    }

    /**
     * True while the journal's disk is used above {@code coursewire.broker.max-disk-usage}: the broker
     * then withholds credits from every producer (address-full-policy PAGE: a core producer blocks in
     * its send until the disk frees, without an error), so nothing should be sent to it meanwhile.
     */
    public boolean isDiskFull() {
        ActiveMQServer s = server();
        PagingManager paging = s == null ? null : s.getPagingManager();
        return paging != null && paging.isDiskFull();
    }

    public boolean isActive() {
        EmbeddedActiveMQ s = server;
        return s != null && s.getActiveMQServer() != null && s.getActiveMQServer().isActive();
    }

    private Path brokerDir() {
        return Path.of(settings.dataDir(), "broker");
    }

    private Configuration configuration() throws Exception {
        CoursewireConfig.Broker b = settings.broker();
        Path dir = brokerDir();
        ConfigurationImpl c = new ConfigurationImpl();
        c.setName("coursewire");
        c.setPersistenceEnabled(true);
        c.setSecurityEnabled(false);
        c.setJMXManagementEnabled(false);
        c.setJournalDirectory(dir.resolve("journal").toString());
        c.setBindingsDirectory(dir.resolve("bindings").toString());
        c.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        c.setPagingDirectory(dir.resolve("paging").toString());
        c.setNodeManagerLockDirectory(dir.toString());
        c.setJournalType(JournalType.valueOf(b.journalType()));
        // Acknowledge only after the journal is on disk; the buffer timeout batches fsyncs (group commit).
        c.setJournalSyncNonTransactional(true);
        c.setJournalSyncTransactional(true);
        int timeoutNanos = (int) Math.min(Integer.MAX_VALUE, b.journalBufferTimeout().toNanos());
        c.setJournalBufferTimeout_NIO(timeoutNanos);
        c.setJournalBufferTimeout_AIO(timeoutNanos);
        // Free journal files kept for reuse: Artemis keeps every file it ever freed (no upper bound by
        // default), and a start reads each whole file, free or not. After 1,000,000 events the journal
        // held 16 files of 10 MB, 11 of them free, and loading it was most of the start (bench/README.md).
        c.setJournalPoolFiles(JOURNAL_POOL_FILES);
        // Above this share of the disk the broker stops granting producers credit (checked every 5 s, the
        // disk-scan period), well before a journal write can fail: a failed write is a critical IO error,
        // on which Artemis stops for good. DurableChannel refuses sends meanwhile instead of blocking.
        c.setMaxDiskUsage(b.maxDiskUsage());
        c.setGlobalMaxSize(b.globalMaxSize().asLongValue());
        c.setThreadPoolMaxSize(b.threadPoolMaxSize());
        c.setScheduledThreadPoolMaxSize(2);
        // Duplicate detection, journalled with each message. This server-wide size is the events address's
        // (EVENTS_DUPLICATE_WINDOW); the delivery queues set their own below.
        c.setIDCacheSize(eventsIdCacheSize());
        c.setPersistIDCache(true);
        c.addAcceptorConfiguration("in-vm", "vm://0");
        if (b.tcpAcceptor().isPresent()) {
            c.addAcceptorConfiguration("tcp", b.tcpAcceptor().get());
        }
        for (String queue : new String[] { Channels.EVENTS, Channels.DEAD_LETTERS, Channels.EXPIRED }) {
            c.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // When an address leaves page mode, its page folder goes, and with it the bookmark record Artemis
        // keeps in the message journal for the last page. Kept, that one record pins every journal file
        // written after it (each holds deletes of records in the one before), so no file was freed until
        // a compaction: one a minute at 500 events/s, each a burst of slow events (bench/README.md,
        // ninth and tenth steps).
        c.setPurgePageFolders(true);
        // Paging reads back in small steps: by default each queue may hold 20 MB of paged messages
        // in memory, which on a small heap is most of it once several queues have a backlog.
        c.addAddressSetting("#", new AddressSettings()
                .setPageSizeBytes(1024 * 1024)
                .setMaxReadPageBytes(4 * 1024 * 1024)
                .setPrefetchPageBytes(2 * 1024 * 1024)
                .setPageCacheMaxSize(2)
                .setDeadLetterAddress(SimpleString.of(Channels.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Channels.EXPIRED)));
        // Routing failures (a full disk, an unwritable directory) are retried with backoff, forever:
        // an accepted event leaves the channel only by reaching its targets.
        c.addAddressSetting(Channels.EVENTS, new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1_000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(60_000)
                .setDeadLetterAddress(SimpleString.of(Channels.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Channels.EXPIRED)));
        // Delivery queues: failures are handled by the delivery route (retry as a scheduled message,
        // dead letter); the broker redelivers only when that handling itself failed (broker trouble).
        // Delivery duplicate ids only need to cover re-sends right after a crash (an event fanned out
        // again, a retry scheduled again), not the events' 100,000-id window; the subscribers' shared
        // queue takes one event's whole fan-out (thousands) at a time, so it remembers more.
        c.addAddressSetting(Channels.DELIVERY_PREFIX + "#", deliverySettings(DELIVERY_DUPLICATE_WINDOW));
        // (Its max-read-page-bytes, 4 MB from "#", bounds the messages a paged queue lets out unacknowledged:
        // coursewire.subscriptions.max-in-flight, 2,048 by default, is about 2.6 MB of them.)
        c.addAddressSetting(Channels.SUBSCRIBER_DELIVERIES, deliverySettings(SUBSCRIBER_DUPLICATE_WINDOW));
        return c;
    }

    private static AddressSettings deliverySettings(int duplicateWindow) {
        return new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1_000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(60_000)
                .setIDCacheSize(duplicateWindow)
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setDeadLetterAddress(SimpleString.of(Channels.DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(Channels.EXPIRED));
    }
}
