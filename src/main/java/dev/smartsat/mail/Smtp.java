package dev.smartsat.mail;

import dev.smartsat.config.Settings;
import dev.smartsat.store.MailDao;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

/** The configured SMTP server through Jakarta Mail: a connection, and an outbox row as the message it sends. */
final class Smtp {
    /**
     * Connecting, each read and each write give up after this: a mail server that hangs holds the sender's own
     * thread for seconds, never longer, and never anything else of the satellite.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Settings.Smtp settings;
    private final Session session;

    Smtp(Settings.Smtp settings) {
        this.settings = settings;
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", Integer.toString(settings.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(TIMEOUT.toMillis()));
        p.put("mail.smtp.timeout", Long.toString(TIMEOUT.toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(TIMEOUT.toMillis()));
        p.put("mail.smtp.auth", Boolean.toString(hasUser()));
        if (settings.starttls()) {
            // required, not merely tried: with starttls on, nothing (the password least) is sent in the clear
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(p);
    }

    private boolean hasUser() {
        return settings.username() != null && !settings.username().isBlank();
    }

    /** A connection, logged in when a username is configured; the caller closes it. */
    Transport connect() throws MessagingException {
        Transport transport = session.getTransport("smtp");
        if (hasUser()) {
            transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
        } else {
            transport.connect();
        }
        return transport;
    }

    /** Sends one waiting mail on {@code transport}. */
    void send(Transport transport, MailDao.Pending mail) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(settings.from()));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.recipients()));
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        message.setText(mail.body(), StandardCharsets.UTF_8.name());
        // when the alert was raised (on the wall clock), not when a retry finally got through
        message.setSentDate(Date.from(mail.createdAt()));
        // lets a mail client or a test tie the mail to its alert, whatever the retries did to the Message-ID
        message.setHeader("X-SmartSat-Alert-Id", Long.toString(mail.alertId()));
        message.saveChanges();
        transport.sendMessage(message, message.getAllRecipients());
    }

    /** Where mail goes, for log lines: never the password. */
    String server() {
        return settings.host() + ":" + settings.port();
    }
}
