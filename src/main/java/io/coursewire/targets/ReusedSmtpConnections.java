package io.coursewire.targets;

import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;

import io.coursewire.CoursewireConfig;

/**
 * camel-mail's sender, configured from {@code coursewire.mail.*} as the endpoint is, that keeps its SMTP connections for the
 * next message instead of opening one per message (connect, greeting, EHLO, login and QUIT each time).
 * A connection idle for more than {@link #MAX_IDLE_SECONDS} is closed rather than reused (servers drop
 * idle clients after a minute or more); one the server has closed meanwhile fails its send, and the
 * message goes once more on a new connection. A refused message ({@link SendFailedException}: a
 * recipient rejected) is not sent again here: it fails the attempt.
 */
final class ReusedSmtpConnections extends DefaultJavaMailSender {

    static final long MAX_IDLE_SECONDS = 30;

    private record Idle(Transport transport, long since) {
    }

    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();

    /**
     * To the server of {@code coursewire.mail.*}: the same settings the endpoint URI gives camel-mail
     * ({@link SmtpMailer#uri}): connecting, reading and writing bounded by {@code timeout}, the login
     * when there is one, STARTTLS required when on.
     */
    static ReusedSmtpConnections to(CoursewireConfig.Mail mail, Duration timeout) {
        ReusedSmtpConnections sender = new ReusedSmtpConnections();
        String millis = Long.toString(Math.max(1, timeout.toMillis()));
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", mail.host());
        properties.setProperty("mail.smtp.port", Integer.toString(mail.port()));
        properties.setProperty("mail.smtp.connectiontimeout", millis);
        properties.setProperty("mail.smtp.timeout", millis);
        properties.setProperty("mail.smtp.writetimeout", millis);
        if (mail.username().isPresent()) {
            properties.setProperty("mail.smtp.auth", "true");
        }
        if (mail.starttls()) {
            properties.setProperty("mail.smtp.starttls.enable", "true");
            properties.setProperty("mail.smtp.starttls.required", "true");
        }
        sender.setJavaMailProperties(properties);
        sender.setHost(mail.host());
        sender.setPort(mail.port());
        sender.setProtocol("smtp");
        mail.username().ifPresent(sender::setUsername);
        mail.password().ifPresent(sender::setPassword);
        sender.setSession(Session.getInstance(properties));
        return sender;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        message.saveChanges();
        Transport reused = takeFresh();
        if (reused != null) {
            try {
                reused.sendMessage(message, message.getAllRecipients());
                idle.push(new Idle(reused, System.nanoTime()));
                return;
            } catch (SendFailedException refused) {
                close(reused);
                throw refused;
            } catch (MessagingException broken) {
                close(reused); // closed by the server meanwhile: once more on a new connection
            }
        }
        Transport transport = getTransport(getSession());
        PasswordAuthentication login = getPasswordAuthentication();
        transport.connect(getHost(), getPort(), login.getUserName(), login.getPassword());
        try {
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            close(transport);
            throw e;
        }
        idle.push(new Idle(transport, System.nanoTime()));
    }

    private Transport takeFresh() {
        long oldest = System.nanoTime() - TimeUnit.SECONDS.toNanos(MAX_IDLE_SECONDS);
        for (Idle i = idle.poll(); i != null; i = idle.poll()) {
            if (i.since() - oldest > 0 && i.transport().isConnected()) {
                return i.transport();
            }
            close(i.transport());
        }
        return null;
    }

    /** Closes every kept connection (at shutdown). */
    void closeAll() {
        for (Idle i = idle.poll(); i != null; i = idle.poll()) {
            close(i.transport());
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException ignored) {
            // going away in any case
        }
    }
}
