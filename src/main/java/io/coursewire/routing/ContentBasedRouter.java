package io.coursewire.routing;

import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.coursewire.CoursewireConfig;
import io.coursewire.channel.Channels;
import io.coursewire.channel.DeliveryRequest;
import io.coursewire.channel.DurableChannel;
import io.coursewire.channel.RoutedEvent;
import io.coursewire.channel.TransactionalBatchConsumer;
import io.coursewire.delivery.ErasedEvents;
import io.coursewire.erasure.ErasedLearners;
import io.coursewire.eventlog.EventLog;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Content-Based Router: consumes the durable events channel and turns each event into one delivery per
 * target whose conditions hold (the Recipient List), each its own durable message on that target's
 * queue, then records the event in the event log. The event leaves the channel in the same broker
 * transaction that stores its deliveries; a failure hands it back to the broker, which redelivers it
 * with backoff.
 *
 * <p>Events are routed in batches ({@link TransactionalBatchConsumer}): the deliveries and
 * acknowledgements of everything waiting are one commit, one fsync. Why not Camel's {@code recipientList}
 * to {@code jms:} endpoints: one synchronous send (one fsync) per delivery and one acknowledgement per
 * event, and a crash between two sends would leave an event half fanned out. Each delivery carries a
 * duplicate id, so routing the same event again stores nothing twice.
 */
@Singleton
public class ContentBasedRouter implements TransactionalBatchConsumer.Handler<ContentBasedRouter.Routed> {

    /** An event and when it was accepted (epoch millis): what the event log records once it is routed. */
    record Routed(RoutedEvent event, long acceptedAt) {
    }

    private final CoursewireConfig config;
    private final EventLog eventLog;
    private final RecipientResolver recipients;
    private final DurableChannel channel;
    private final TargetRegistry targets;
    private final ErasedLearners erasedLearners;
    private final ErasedEvents erasedEvents;
    private TransactionalBatchConsumer<Routed> consumer;

    @Inject
    public ContentBasedRouter(CoursewireConfig config, EventLog eventLog, RecipientResolver recipients, DurableChannel channel, TargetRegistry targets,
            ErasedLearners erasedLearners, ErasedEvents erasedEvents) {
        this.config = config;
        this.eventLog = eventLog;
        this.recipients = recipients;
        this.channel = channel;
        this.targets = targets;
        this.erasedLearners = erasedLearners;
        this.erasedEvents = erasedEvents;
    }

    void start(@Observes StartupEvent started) throws Exception {
        // A message sent to an address with no queue would be dropped: every queue exists first. The
        // embedded broker declares the events and dead-letter queues itself; an external broker
        // (profile cluster) may not, whatever its broker.xml says (docs/deployment.md).
        channel.ensureQueue(Channels.EVENTS);
        channel.ensureQueue(Channels.DEAD_LETTERS);
        ensureQueues(targets.all());
        channel.ensureQueue(Channels.SUBSCRIBER_DELIVERIES);
        targets.listen(new TargetRegistry.Listener() {
            @Override
            public void preparing(List<Target> next) throws Exception {
                ensureQueues(next); // before the first event is routed to a new target
            }
        });
        consumer = channel.consume("content-based-router", Channels.EVENTS, config.routing().consumers(), this);
    }

    private void ensureQueues(List<Target> targets) throws Exception {
        for (Target target : targets) {
            channel.ensureQueue(Channels.deliveryQueue(target.name()));
        }
    }

    @Override
    public Routed route(TransactionalBatchConsumer.Received message, List<DurableChannel.Outgoing> toStore) {
        RoutedEvent event = RoutedEvent.fromHeaders(message.properties(), message.body());
        long accepted = message.properties().get(Channels.ACCEPTED_AT) instanceof Number n ? n.longValue() : System.currentTimeMillis();
        if (erasedLearners.erased(event, accepted)) {
            // Its learner was erased while the event was in hand here: it leaves the channel, delivered to nobody, not logged.
            erasedEvents.add(List.of(event.id()));
            return new Routed(event, accepted);
        }
        for (Target target : recipients.targetsFor(event)) {
            toStore.add(new DeliveryRequest(event.id(), accepted, target.name(), 1, DeliveryRequest.ROUTED, accepted, event.json()).toMessage(0));
        }
        return new Routed(event, accepted);
    }

    @Override
    public void committed(List<Routed> batch) throws InterruptedException {
        for (Routed r : batch) {
            RoutedEvent e = r.event();
            if (erasedEvents.contains(e.id()) || erasedLearners.erased(e, r.acceptedAt())) {
                // Erased between its routing and now: its deliveries, if any, are dropped when taken (ErasedEvents).
                erasedEvents.add(List.of(e.id()));
                continue;
            }
            eventLog.record(e.id(), e.vendor(), e.type(), e.time(), e.courseId(), e.learner(), r.acceptedAt(), e.json());
        }
    }

    /** Stopped on shutdown, before the broker: a batch under way is committed or handed back first. */
    void stopOnShutdown(@Observes ShutdownEvent stopping) throws InterruptedException {
        stop();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (consumer != null) {
            consumer.close();
        }
    }
}
