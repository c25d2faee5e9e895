package io.coursewire;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;


import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code coursewire.*} setting (PRODUCT.md §7), typed and validated at start: a misspelt key
 * under {@code coursewire.} stops the start instead of being silently ignored.
 */
@ConfigMapping(prefix = "coursewire")
public interface CoursewireConfig {

    /** Root of all runtime state: broker journal, database, default file target. */
    @WithName("data-dir")
    @WithDefault("data")
    String dataDir();

    Broker broker();

    Ingest ingest();

    /** Per vendor, by the name in {@code /webhooks/{vendor}}: a new vendor needs no code here. */
    Map<String, Source> sources();

    Targets targets();

    Routing routing();

    Subscriptions subscriptions();

    Delivery delivery();

    Admin admin();

    Mail mail();

    Console console();

    Retention retention();

    /**
     * Data lifecycle (PRODUCT.md §10): how long records are kept, and how the background purge
     * ({@code io.coursewire.lifecycle.RetentionPurge}) removes the older ones.
     */
    interface Retention {
        /** Event records and delivery attempts older than this are removed (replayed dead letters too, this long after their replay). */
        @WithDefault("30d")
        Duration events();

        /** Dead letters are kept until replayed or deleted, and at most this long. */
        @WithDefault("90d")
        Duration deadLetters();

        /** How often the purge runs. */
        @WithDefault("1m")
        Duration interval();

        /** Rows per delete, each its own short transaction. */
        @WithDefault("1000")
        int batchSize();
    }

    interface Broker {
        /** Start an in-process Artemis broker; false when {@link #url()} points at an external one. */
        @WithDefault("true")
        boolean embedded();

        /** Core-protocol URL of the broker: {@code vm://0} in-process, {@code tcp://host:61616} outside. */
        @WithDefault("vm://0")
        String url();

        Optional<String> username();

        Optional<String> password();

        /** Optional TCP acceptor of the embedded broker, e.g. {@code tcp://127.0.0.1:61616}; none by default. */
        Optional<String> tcpAcceptor();

        /**
         * Journal group commit: how long the journal gathers writes before one fsync. Every accept waits
         * for the fsync that covers it; a shorter window means lower latency and more fsyncs.
         */
        @WithDefault("1ms")
        Duration journalBufferTimeout();

        /** NIO works everywhere; ASYNCIO needs libaio on Linux. */
        @WithDefault("NIO")
        String journalType();

        /**
         * Memory the broker may use for messages before it pages them to disk; keeps the heap small
         * when routing falls behind ingest.
         */
        @WithDefault("32M")
        MemorySize globalMaxSize();

        /**
         * How many bytes of messages each consumer (router, delivery) buffers ahead of what it is
         * working on. Every consumer holds its own buffer, so this times the consumer count is heap.
         */
        @WithDefault("64K")
        MemorySize consumerWindowSize();

        /** Threads of the embedded broker's pool (delivery to consumers, journal callbacks); its default of 30 only contends on small machines. */
        @WithDefault("8")
        int threadPoolMaxSize();

        /**
         * Percent of use of the broker journal's disk above which the broker takes no new messages:
         * ingest answers 503 with Retry-After and readiness is DOWN until use falls below it again,
         * instead of the journal failing on a full disk and the broker stopping for good. -1 disables
         * the check.
         */
        @WithDefault("90")
        int maxDiskUsage();
    }

    interface Ingest {
        /** Largest request body accepted (413 above it). */
        @WithDefault("1M")
        MemorySize maxBodySize();

        /**
         * Request-body bytes all inbound requests may hold at once, from the first byte received to the
         * response (503 + Retry-After past it). Sized to the shipped 160 MB heap: a body costs up to about
         * five times its size while it is parsed, translated and stored, so 8 MiB of bodies is at most
         * ~40 MB of heap; ordinary webhooks (a few KB) fit by the thousand.
         */
        @WithDefault("8M")
        MemorySize maxInflightBytes();

        /** A body must arrive whole within this time of its request's headers (408 and the connection closed otherwise). */
        @WithDefault("10s")
        Duration readTimeout();

        /** How many recent event ids the Idempotent Receiver remembers (seeded at start from the event log and the broker). */
        @WithDefault("100000")
        int duplicateWindow();

        /** Writer threads committing batches of accepts to the durable channel (each its own session). */
        @WithDefault("2")
        int producers();

        /**
         * How long an accept may wait for a writer to take it before answering 503 (it is then never
         * stored); once taken, it waits for the broker's answer to the commit, for at most twice this.
         */
        @WithDefault("5s")
        Duration acceptTimeout();
    }

    interface Source {
        /** The vendor's shared secret or signing key; a demo secret applies (with a WARN) until set. */
        Optional<String> secret();

        @WithDefault("true")
        boolean enabled();

        /**
         * For vendors that send zoneless times (Toolzz, whose translator reads it). Declared here so the
         * key is validated like every other {@code coursewire.*} key.
         */
        Optional<String> zone();
    }

    interface Targets {
        @WithDefault("config/targets.yaml")
        String file();

        /** How often the file is read again; a valid change applies within this time (§4 asks 5 s at most). */
        @WithDefault("1s")
        Duration reloadInterval();
    }

    interface Routing {
        /**
         * Router sessions on the events channel. Each takes the events waiting in batches and commits a
         * batch's deliveries and acknowledgements at once, so a few cover what the journal can take.
         */
        @WithDefault("2")
        int consumers();
    }

    interface Delivery {
        /** A delivery attempt that has no answer within this time fails (and is retried). Per target: {@code timeout}. */
        @WithDefault("10s")
        Duration timeout();

        /** Concurrent deliveries per target. */
        @WithDefault("8")
        int consumers();

        Retry retry();

        Circuit circuit();

        /**
         * Circuit breaker per target and per subscription (§5): after {@code failure-threshold} consecutive
         * failed attempts the target is paused (its deliveries wait, pending); every {@code probe-interval}
         * one delivery probes it; a success resumes it.
         */
        interface Circuit {
            @WithDefault("10")
            int failureThreshold();

            @WithDefault("1m")
            Duration probeInterval();
        }

        /** Exponential backoff: the n-th retry waits initial-delay × multiplier^(n-1), at most max-delay. */
        interface Retry {
            @WithDefault("10s")
            Duration initialDelay();

            @WithDefault("3")
            double multiplier();

            @WithDefault("1h")
            Duration maxDelay();

            /** Attempts in all, the first included; after the last failure the delivery is dead-lettered. */
            @WithDefault("12")
            int maxAttempts();
        }
    }

    /** REST Hook subscriptions (§5): HTTP subscribers that register themselves at run time. */
    interface Subscriptions {
        /** Subscriber URLs on loopback, link-local, private or unspecified addresses are refused unless true. */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** Deliveries under way to one subscriber at most; more wait, in order, without holding a thread. */
        @WithDefault("8")
        int concurrency();

        /** Sessions taking subscriber deliveries from the broker (threads, whatever the number of subscriptions). */
        @WithDefault("2")
        int consumers();

        /** Subscriber deliveries under way or waiting in memory at most, over all subscribers. */
        @WithDefault("2048")
        int maxInFlight();
    }

    interface Admin {
        /** Token for the admin API ({@code Authorization: Token token=…} or {@code Bearer …}); a demo token applies, with a WARN, until set. */
        Optional<String> token();
    }

    /**
     * The SMTP server email targets ({@code type: email}) send through. Plain SMTP, upgraded with
     * STARTTLS when {@code starttls} is true (then required: a server that does not offer it fails the
     * attempt rather than receiving the message in clear).
     */
    interface Mail {
        @WithDefault("localhost")
        String host();

        @WithDefault("25")
        int port();

        /** SMTP AUTH user; none by default (no authentication). */
        Optional<String> username();

        Optional<String> password();

        /** The sender address of every email target's messages. */
        @WithDefault("coursewire@localhost")
        String from();

        @WithDefault("false")
        boolean starttls();
    }

    /** The operator console under {@code /console}. */
    interface Console {
        Live live();

        interface Live {
            /** How often the Live page reads the service's metrics; its charts hold the last 180 readings (15 minutes at 5 s). */
            @WithDefault("5s")
            Duration sampleInterval();
        }
    }
}
