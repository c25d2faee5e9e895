package io.coursewire.delivery;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.jms.JMSException;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

import io.coursewire.channel.DeliveryRequest;
import io.coursewire.targets.OutboundEvent;
import io.coursewire.targets.Target;
import io.coursewire.targets.TargetKinds;
import io.coursewire.targets.TargetRegistry;

/**
 * One attempt to deliver one event to one static target: the processors of the target's delivery
 * route ({@link DeliveryRoutes}). The target's own kind makes the attempt; {@link DeliveryOutcomes}
 * records it and schedules what follows; the target's {@link CircuitBreakers circuit} is asked first,
 * and while it is open the delivery is held, not attempted.
 */
final class DeliveryAttempt {

    private static final Logger LOG = Logger.getLogger(DeliveryAttempt.class);
    private static final String DELIVERY = "coursewire.delivery";
    private static final String STARTED = "coursewire.delivery.started";
    private static final String TARGET = "coursewire.delivery.target";
    private static final String PROBE = "coursewire.delivery.probe";

    private final String targetName;
    private final TargetRegistry targets;
    private final TargetKinds kinds;
    private final DeliveryOutcomes outcomes;
    private final CircuitBreakers.Circuit circuit;
    private final DeliveryMetrics.PerTarget metrics;

    DeliveryAttempt(String targetName, TargetRegistry targets, TargetKinds kinds, DeliveryOutcomes outcomes, CircuitBreakers.Circuit circuit,
            DeliveryMetrics.PerTarget metrics) {
        this.targetName = targetName;
        this.targets = targets;
        this.kinds = kinds;
        this.outcomes = outcomes;
        this.circuit = circuit;
        this.metrics = metrics;
    }

    /**
     * Reads the delivery from the message and looks its target up as it is now (a changed URL, header or
     * secret applies to this attempt). The JMS properties are read by name from the JMS message itself;
     * asking Camel for its headers would first copy every property into a map (~10 KB per delivery).
     * A target removed a moment ago, whose route is being stopped: the exchange is rolled back, so the
     * message is not acknowledged and stays on the target's queue, pending, not attempted. A target whose
     * circuit is open: the delivery goes back on the queue until the next probe, and routing stops here.
     */
    void begin(Exchange exchange) throws Exception {
        Target target = targets.byName(targetName).orElse(null);
        if (target == null) {
            LOG.debugf("Target %s was removed; its delivery stays pending on its queue", targetName);
            exchange.setRollbackOnly(true);
            return;
        }
        org.apache.camel.Message received = exchange.getMessage();
        byte[] json = received.getBody(byte[].class);
        DeliveryRequest delivery = received instanceof JmsMessage jms && jms.getJmsMessage() != null
                ? DeliveryRequest.fromProperties(name -> property(jms.getJmsMessage(), name), json)
                : DeliveryRequest.fromHeaders(received.getHeaders(), json);
        if (outcomes.erased(delivery)) {
            exchange.setRouteStop(true); // its event was erased after the broker handed it out: acknowledged, not attempted
            return;
        }
        CircuitBreakers.Admission admission = circuit.admit(System.currentTimeMillis());
        if (!admission.go()) {
            try {
                outcomes.hold(delivery, admission.holdUntil()).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("held delivery " + delivery.key() + " could not be put back", e);
            }
            exchange.setRouteStop(true); // held, not attempted: acknowledged as it stands
            return;
        }
        exchange.setProperty(TARGET, target);
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(PROBE, admission.probe());
        exchange.setProperty(STARTED, System.nanoTime());
        DefaultMessage outgoing = new DefaultMessage(exchange);
        outgoing.setBody(json);
        exchange.setMessage(outgoing);
    }

    /** The target's kind delivers it; a {@link io.coursewire.targets.DeliveryFailedException} or any other failure fails the attempt. */
    void deliver(Exchange exchange) throws Exception {
        DeliveryRequest delivery = delivery(exchange);
        Integer status = kinds.deliver(exchange.getProperty(TARGET, Target.class), new OutboundEvent(delivery.eventId(), delivery.json()));
        if (status != null) {
            exchange.setProperty(Exchange.HTTP_RESPONSE_CODE, status);
        }
    }

    void succeeded(Exchange exchange) throws InterruptedException {
        circuit.succeeded();
        outcomes.succeeded(delivery(exchange), exchange.getProperty(Exchange.HTTP_RESPONSE_CODE, Integer.class), elapsedMillis(exchange), metrics);
    }

    /**
     * After a failed attempt. If the retry cannot be stored (the broker is down) this throws, and the
     * broker redelivers the message, so the attempt is made again rather than lost.
     */
    void failed(Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        boolean probe = Boolean.TRUE.equals(exchange.getProperty(PROBE, Boolean.class));
        if (cause instanceof io.coursewire.targets.DeliveryFailedException f && f.permanent()) {
            // 410 Gone: an answer, dead-lettered at once, not a target that is down. Holding the next
            // deliveries would not spare anyone anything; a probe that gets one has still reached it.
            if (probe) {
                circuit.succeeded();
            }
        } else {
            circuit.failed(probe, System.currentTimeMillis());
        }
        outcomes.failed(delivery(exchange), cause, elapsedMillis(exchange), metrics);
    }

    private static Object property(jakarta.jms.Message message, String name) {
        try {
            return message.getObjectProperty(name);
        } catch (JMSException e) {
            return null;
        }
    }

    private static DeliveryRequest delivery(Exchange exchange) {
        return exchange.getProperty(DELIVERY, DeliveryRequest.class);
    }

    private static long elapsedMillis(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
