package io.coursewire.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.junit.jupiter.api.Test;

/**
 * The test engines themselves: a real Artemis broker from its distribution and a real PostgreSQL server, no Docker.
 */
class ExternalEnginesIT {

    private static final Path ROOT = Path.of("target/it-data/engines");
    private static final String EVENTS = "coursewire.events";

    @Test
    void externalArtemisRequiresLoginKeepsCoursewireSettingsAndSurvivesKill() throws Exception {
        FreshDataDirectory.delete(ROOT.resolve("artemis"));
        long createStarted = System.nanoTime();
        try (ExternalArtemis broker = ExternalArtemis.create(ROOT.resolve("artemis"), "coursewire", "broker-secret")) {
            long created = System.nanoTime();
            broker.start();
            long started = System.nanoTime();
            System.out.printf("ExternalArtemis: created in %d ms, started (login accepted) in %d ms, %s%n",
                    ms(createStarted, created), ms(created, started), broker.url());
            assertThat(Files.readString(broker.log())).doesNotContain("cvc-").contains("AMQ221007");

            try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.url());
                 ClientSessionFactory factory = locator.createSessionFactory()) {
                // Login required
                assertThatThrownBy(factory::createSession).isInstanceOf(ActiveMQSecurityException.class);
                assertThatThrownBy(() -> factory.createSession("coursewire", "wrong", false, true, true, false, 0))
                        .isInstanceOf(ActiveMQSecurityException.class);

                try (ClientSession session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0)) {
                    session.start();
                    // Coursewire's address settings are the broker's
                    String settings = addressSettings(session, EVENTS);
                    System.out.println("Address settings of " + EVENTS + ": " + settings);
                    assertThat(settings.replace(" ", "")).contains("\"idCacheSize\":100000")
                            .contains("\"maxDeliveryAttempts\":-1").contains("\"redeliveryDelay\":1000")
                            .contains("\"deadLetterAddress\":\"DLQ\"");

                    // Persistent send and receive on the coursewire.events queue (defined by the settings' <addresses>)
                    send(session, "hello", null);
                    assertThat(broker.messageCount(EVENTS)).isEqualTo(1);
                    assertThat(receive(session)).isEqualTo("hello");
                    assertThat(broker.messageCount(EVENTS)).isZero();
                }

                // Duplicate detection: the same _AMQ_DUPL_ID twice, the second commit fails
                try (ClientSession tx = factory.createSession(broker.user(), broker.password(), false, false, false, false, 0)) {
                    send(tx, "first", "dup-1");
                    tx.commit();
                    send(tx, "again", "dup-1");
                    assertThatThrownBy(tx::commit).isInstanceOf(ActiveMQDuplicateIdException.class);
                }
                try (ClientSession session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0)) {
                    session.start();
                    assertThat(receive(session)).isEqualTo("first");
                    assertThat(broker.messageCount(EVENTS)).isZero();
                    send(session, "survivor", null);
                }
            }
            assertThat(broker.messageCount(EVENTS)).isEqualTo(1);

            // kill -9 and start again: same port, same journal, the unconsumed message is still there
            broker.kill();
            assertThat(broker.running()).isFalse();
            long restarting = System.nanoTime();
            broker.start();
            System.out.printf("ExternalArtemis: restarted after kill in %d ms%n", ms(restarting, System.nanoTime()));
            assertThat(broker.messageCount(EVENTS)).isEqualTo(1);
            try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.url());
                 ClientSessionFactory factory = locator.createSessionFactory();
                 ClientSession session = factory.createSession(broker.user(), broker.password(), false, true, true, false, 0)) {
                session.start();
                assertThat(receive(session)).isEqualTo("survivor");
            }
            assertThat(broker.messageCount(EVENTS)).isZero();

            // Graceful stop and start again
            long stopping = System.nanoTime();
            broker.stop();
            System.out.printf("ExternalArtemis: stopped gracefully in %d ms%n", ms(stopping, System.nanoTime()));
            broker.start();
            assertThat(broker.messageCount(EVENTS)).isZero();
        }
    }

    @Test
    void externalPostgresServesTheCoursewireDatabase() throws Exception {
        FreshDataDirectory.delete(ROOT.resolve("postgres"));
        long starting = System.nanoTime();
        try (ExternalPostgres postgres = ExternalPostgres.start(ROOT.resolve("postgres"))) {
            System.out.printf("ExternalPostgres: started (initdb, role, database) in %d ms, %s%n",
                    ms(starting, System.nanoTime()), postgres.jdbcUrl());
            assertThat(postgres.jdbcUrl()).matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/coursewire");
            try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE probe (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
                s.executeUpdate("INSERT INTO probe VALUES (1, 'one'), (2, 'two')");
                try (ResultSet rs = s.executeQuery("SELECT name, current_user, current_database() FROM probe WHERE id = 2")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("two");
                    assertThat(rs.getString(2)).isEqualTo("coursewire");
                    assertThat(rs.getString(3)).isEqualTo("coursewire");
                }
                try (ResultSet rs = s.executeQuery("SELECT version()")) {
                    rs.next();
                    System.out.println("ExternalPostgres: " + rs.getString(1));
                }
            }
            assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), "wrong"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        }
    }

    private static void send(ClientSession session, String body, String duplicateId) throws Exception {
        ClientMessage message = session.createMessage(true);
        message.getBodyBuffer().writeString(body);
        if (duplicateId != null) {
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(duplicateId));
        }
        try (ClientProducer producer = session.createProducer(EVENTS)) {
            producer.send(message);
        }
    }

    private static String receive(ClientSession session) throws Exception {
        try (ClientConsumer consumer = session.createConsumer(EVENTS)) {
            ClientMessage message = consumer.receive(10_000);
            assertThat(message).as("a message on " + EVENTS).isNotNull();
            message.acknowledge();
            return message.getBodyBuffer().readString();
        }
    }

    private static String addressSettings(ClientSession session, String address) throws Exception {
        try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "getAddressSettingsAsJSON", address);
            ClientMessage reply = requestor.request(request, 10_000);
            assertThat(reply).as("management reply").isNotNull();
            assertThat(ManagementHelper.hasOperationSucceeded(reply)).as(String.valueOf(ManagementHelper.getResult(reply))).isTrue();
            return String.valueOf(ManagementHelper.getResult(reply, String.class));
        }
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
