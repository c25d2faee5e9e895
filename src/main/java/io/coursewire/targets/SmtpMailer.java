package io.coursewire.targets;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailEndpoint;

import io.coursewire.CoursewireConfig;

/**
 * Sends email targets' messages through camel-mail to the SMTP server of {@code coursewire.mail.*}.
 * The endpoint is made once, from the configuration, at the first message, with a sender that keeps its
 * SMTP connections ({@link ReusedSmtpConnections}); each message sets its
 * recipients, subject and sender as headers. A message with an HTML body is sent as HTML with its text
 * as the alternative ({@link MailConstants#MAIL_ALTERNATIVE_BODY}): multipart/alternative, which every
 * mail reader shows as it can. Connecting, reading and writing are each bounded by
 * {@code coursewire.delivery.timeout}.
 *
 * <p>A failure (no connection, a refused login, a rejected recipient) fails the attempt, which is
 * retried with the delivery backoff and dead-lettered after the last attempt, like an HTTP target's.
 * Its reason names no address. camel-mail logs the whole message, addresses included, at DEBUG only:
 * {@code application.properties} keeps its category at INFO.
 */
@Singleton
public class SmtpMailer implements EmailTargetKind.Mailer {

    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    static {
        // Jakarta Mail 2.1 looks its stream provider up with a ServiceLoader scan of the class path for
        // every body part it encodes; in the packaged service (one jar of 36,000 entries) that scan was
        // about 10% of the service's CPU with an email target (bench/delivery.sh mixed, JFR). Named, it is
        // loaded directly.
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String uri;
    private final String from;
    private final CoursewireConfig.Mail mailConfig;
    private final Duration timeout;
    private volatile Endpoint endpoint;
    private volatile ReusedSmtpConnections connections;

    @Inject
    public SmtpMailer(CoursewireConfig config, CamelContext camel, ProducerTemplate producer) {
        this.camel = camel;
        this.producer = producer;
        this.uri = uri(config.mail(), config.delivery().timeout());
        this.mailConfig = config.mail();
        this.timeout = config.delivery().timeout();
        this.from = config.mail().from();
    }

    /**
     * {@code smtp://host:port?...}: the sender, the timeouts, the login when there is one (values as
     * {@code RAW(…)}, so any character of a password is taken as it is) and STARTTLS, required when on.
     */
    static String uri(CoursewireConfig.Mail mail, Duration timeout) {
        String host = mail.host().contains(":") && !mail.host().startsWith("[") ? "[" + mail.host() + "]" : mail.host();
        long millis = Math.max(1, timeout.toMillis());
        StringBuilder uri = new StringBuilder("smtp://").append(host).append(':').append(mail.port())
                .append("?from=").append(raw(mail.from()))
                .append("&connectionTimeout=").append(millis)
                .append("&mail.smtp.writetimeout=").append(millis);
        mail.username().ifPresent(u -> uri.append("&username=").append(raw(u)));
        mail.password().ifPresent(p -> uri.append("&password=").append(raw(p)));
        if (mail.starttls()) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        return uri.toString();
    }

    /** Camel's raw value: {@code RAW(…)}, or {@code RAW{…}} for a value with a closing parenthesis. */
    static String raw(String value) {
        if (!value.contains(")")) {
            return "RAW(" + value + ")";
        }
        if (!value.contains("}")) {
            return "RAW{" + value + "}";
        }
        throw new IllegalArgumentException("a coursewire.mail value cannot contain both ')' and '}'");
    }

    @Override
    public void send(EmailTargetKind.Email email) throws DeliveryFailedException {
        Exchange sent = producer.send(endpoint(), exchange -> {
            Message message = exchange.getIn();
            recipients(message, "To", email.to());
            recipients(message, "Cc", email.cc());
            recipients(message, "Bcc", email.bcc());
            message.setHeader("From", from);
            message.setHeader("Subject", email.subject());
            if (email.html().isPresent()) {
                message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
                message.setHeader(MailConstants.MAIL_ALTERNATIVE_BODY, email.text());
                message.setBody(email.html().get());
            } else {
                message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
                message.setBody(email.text());
            }
        });
        Exception failure = sent.getException();
        if (failure != null) {
            throw new DeliveryFailedException(null, "SMTP: " + reason(failure), false);
        }
    }

    private static void recipients(Message message, String header, List<String> addresses) {
        if (!addresses.isEmpty()) {
            message.setHeader(header, addresses);
        }
    }

    private Endpoint endpoint() {
        Endpoint e = endpoint;
        if (e == null) {
            synchronized (this) {
                if (endpoint == null) {
                    MailEndpoint mail = camel.getEndpoint(uri, MailEndpoint.class);
                    connections = ReusedSmtpConnections.to(mailConfig, timeout);
                    mail.getConfiguration().setJavaMailSender(connections);
                    endpoint = mail;
                }
                e = endpoint;
            }
        }
        return e;
    }

    @PreDestroy
    void close() {
        if (connections != null) {
            connections.closeAll();
        }
    }

    /** The failure and its causes, one line, each address in it masked. */
    static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ").strip();
            if (depth > 0 && (message.isEmpty() || reason.indexOf(message) >= 0)) {
                continue;
            }
            reason.append(depth == 0 ? "" : "; ").append(t.getClass().getSimpleName()).append(message.isEmpty() ? "" : ": " + message);
        }
        return EmailTargetKind.withoutAddresses(reason.toString());
    }
}
