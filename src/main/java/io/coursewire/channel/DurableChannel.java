package io.coursewire.channel;

import io.coursewire.CoursewireConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.jboss.logging.Logger;

/**
 * The ingest side of the durable channel: sends each accepted canonical event to the broker's
 * events address as a persistent message and completes when the broker confirms it is journalled.
 *
 * <p>Why the Artemis core API and not a Camel {@code jms:} producer: a JMS send through Spring's
 * JmsTemplate does per-send session work and blocks on each durable send, which caps ingest at a few
 * thousand per second. Here a few long-lived sessions send asynchronously and the broker's send
 * acknowledgements (issued after the journal fsync, which group-commits concurrent sends) complete
 * each future. The message carries the event id as the broker's duplicate-detection id.
 */
@Singleton
public class DurableChannel {

    private static final Logger LOG = Logger.getLogger(DurableChannel.class);
    private static final SimpleString EVENTS = SimpleString.of(Channels.EVENTS);
    public static final String VENDOR_PROPERTY = "cw_vendor";
    public static final String TYPE_PROPERTY = "cw_type";

    private final CoursewireConfig settings;
    private final ServerLocator locator;
    private final Slot[] slots;
    private final AtomicInteger next = new AtomicInteger();

    @Inject
    public DurableChannel(CoursewireConfig settings, EmbeddedBroker broker) throws Exception {
        this.settings = settings;
        this.locator = ActiveMQClient.createServerLocator(settings.broker().url())
                .setBlockOnDurableSend(false)
                // 1 byte: the broker confirms every send as soon as it is durable, not in batches of a window.
                .setConfirmationWindowSize(1)
                .setReconnectAttempts(0)
                .setCallTimeout(settings.ingest().acceptTimeout().toMillis());
        this.slots = new Slot[Math.max(1, settings.ingest().producers())];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Sends the event durably. The future completes when the broker has journalled the message, and
     * fails when the broker is unreachable, refuses it, or does not confirm within the accept timeout.
     */
    public CompletableFuture<Void> send(String eventId, String vendor, String type, byte[] json) {
        Slot slot = slots[Math.floorMod(next.getAndIncrement(), slots.length)];
        return slot.send(eventId, vendor, type, json)
                .orTimeout(settings.ingest().acceptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when a producer session is open or can be opened now. */
    public boolean isAvailable() {
        return slots[0].isUsable();
    }

    @PreDestroy
    void close() {
        for (Slot slot : slots) {
            slot.discard();
        }
        locator.close();
    }

    /** One producer session; sessions are single-threaded, so each send holds the slot briefly. */
    private final class Slot {
        private ClientSessionFactory factory;
        private ClientSession session;
        private ClientProducer producer;

        synchronized CompletableFuture<Void> send(String eventId, String vendor, String type, byte[] json) {
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            try {
                open();
                ClientMessage message = session.createMessage(Message.BYTES_TYPE, true);
                message.getBodyBuffer().writeBytes(json);
                message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(eventId));
                message.putStringProperty(VENDOR_PROPERTY, vendor);
                message.putStringProperty(TYPE_PROPERTY, type);
                producer.send(EVENTS, message, new SendAcknowledgementHandler() {
                    @Override
                    public void sendAcknowledged(Message m) {
                        confirmed.complete(null);
                    }

                    @Override
                    public void sendFailed(Message m, Exception e) {
                        confirmed.completeExceptionally(e);
                    }
                });
            } catch (ActiveMQException | RuntimeException e) {
                LOG.debugf("durable send failed: %s", e.toString());
                discard();
                confirmed.completeExceptionally(e);
            }
            return confirmed;
        }

        synchronized boolean isUsable() {
            try {
                open();
                return true;
            } catch (Exception e) {
                discard();
                return false;
            }
        }

        private void open() throws ActiveMQException {
            if (session != null && !session.isClosed() && factory != null && !factory.isClosed()) {
                return;
            }
            discard();
            try {
                factory = locator.createSessionFactory();
            } catch (ActiveMQException e) {
                throw e;
            } catch (Exception e) {
                throw new ActiveMQException(e.getMessage());
            }
            session = factory.createSession(true, true);
            producer = session.createProducer();
        }

        synchronized void discard() {
            try {
                if (session != null) {
                    session.close();
                }
            } catch (Exception ignored) {
                // already broken: nothing to release
            }
            if (factory != null) {
                factory.close();
            }
            session = null;
            producer = null;
            factory = null;
        }
    }
}
