package io.coursewire.channel;

import io.coursewire.CoursewireConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * The JMS connection factory Camel's {@code jms:} consumers use (Camel finds it by type). Pooled, so
 * connections and sessions are reused. It depends on {@link EmbeddedBroker}, so the broker is up
 * before the first consumer connects.
 */
public class JmsConnectionFactoryProducer {

    @Produces
    @Singleton
    ConnectionFactory connectionFactory(CoursewireConfig settings, EmbeddedBroker broker) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(settings.broker().url());
        settings.broker().username().filter(u -> !u.isBlank()).ifPresent(artemis::setUser);
        settings.broker().password().ifPresent(artemis::setPassword);
        artemis.setConsumerWindowSize((int) settings.broker().consumerWindowSize().asLongValue());
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(2);
        return pool;
    }

    void close(@Disposes ConnectionFactory factory) {
        if (factory instanceof JmsPoolConnectionFactory pool) {
            pool.stop();
        }
    }
}
