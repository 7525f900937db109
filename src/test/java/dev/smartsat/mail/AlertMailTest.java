package dev.smartsat.mail;

import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.smartsat.Await;
import dev.smartsat.ClosedPort;
import dev.smartsat.Main;
import dev.smartsat.TestSatellite;
import dev.smartsat.licensing.AlertScenarios;
import dev.smartsat.store.MailDao;
import dev.smartsat.transport.TestDevice;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert e-mail (SPEC §12, alerts.smtp) against a real SMTP server started here (GreenMail): each raise is one mail
 * whose subject names the alert's type, a clear is none, and a mail server that is down delays the mail — kept in
 * the outbox across a restart — but never a device or an API call.
 */
class AlertMailTest {
    private static final String FROM = "smartsat@example.com";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("sat-mailer", "sat-mailer", "m41l-s3cret"));

    @TempDir
    Path dir;
    TestSatellite sat;
    GreenMail later;
    ClosedPort down; // a mail server that is down: its port refuses connections until the test lets it go

    @AfterEach
    void stop() {
        if (sat != null) {
            sat.close();
        }
        if (down != null) {
            down.close();
        }
        if (later != null) {
            later.stop();
        }
    }

    @Test
    void eachRaiseIsOneMailNamingItsTypeAndAClearIsNone() throws Exception {
        sat = TestSatellite.start(dir, Map.of(), mailTo(smtp.getSmtp().getPort(), "ops@example.com, noc@example.net",
                Map.of("alerts.smtp.username", "sat-mailer", "alerts.smtp.password", "m41l-s3cret")));
        AlertScenarios on = new AlertScenarios(sat);

        // INSUFFICIENT_LICENSES, then freed: raised and cleared, one mail
        TestDevice over = on.deviceInLab("MAIL1", 5);
        Await.until(() -> on.total("?type=INSUFFICIENT_LICENSES&active=true") == 1, "INSUFFICIENT_LICENSES raised");
        awaitMail(1);
        on.remove(over);
        Await.until(() -> on.total("?type=INSUFFICIENT_LICENSES&active=false") == 1, "INSUFFICIENT_LICENSES cleared");

        // ten days before Lab's term pool ends, past 90 days of a smart instance's silence and 30 without a sync:
        // LICENSES_EXPIRING at 14, PRODUCT_FAILED_TO_CONNECT (the reservation never counts) and SYNC_OVERDUE
        on.deviceInLab("MAIL2", 1);
        on.reserveInLab("MAILSLR");
        on.setClock("2027-06-20T12:00:00Z");
        Await.until(() -> on.total("?active=true") == 3, "three alerts raised");
        assertTrue(on.alerts("?type=PRODUCT_FAILED_TO_CONNECT").get(0).get("message").asText()
                .startsWith("1 product instance(s)"), "the reserved instance does not count");
        // four days on: the 14-day alert clears and the 7-day one is raised
        on.advanceClock("P4D");
        Await.until(() -> on.total("?type=LICENSES_EXPIRING&active=false") == 1, "14-day alert cleared");

        awaitMail(5);
        Await.until(() -> sat.server().mail().pending() == 0 && outbox().isEmpty(), "outbox emptied");
        List<MimeMessage> ops = inbox("ops@example.com");
        assertEquals(5, ops.size(), subjects(ops).toString());
        assertEquals(5, inbox("noc@example.net").size(), "every address in alerts.smtp.to");
        List<String> subjects = subjects(ops);
        for (String type : List.of("INSUFFICIENT_LICENSES", "PRODUCT_FAILED_TO_CONNECT", "SYNC_OVERDUE")) {
            assertEquals(1, subjects.stream().filter(s -> s.startsWith("[SmartSat] " + type + ": ")).count(),
                    type + " in " + subjects);
        }
        assertEquals(2, subjects.stream().filter(s -> s.startsWith("[SmartSat] LICENSES_EXPIRING: ")).count(),
                subjects.toString());
        assertTrue(subjects.stream().anyMatch(s -> s.contains("within 14 day")), subjects.toString());
        assertTrue(subjects.stream().anyMatch(s -> s.contains("within 7 day")), subjects.toString());
        // each mail is an ALERT_RAISED event too, and the clears (two) mailed nothing
        assertEquals(5, on.events("ALERT_RAISED", ""));
        assertEquals(2, on.events("ALERT_CLEARED", ""));

        MimeMessage first = ops.stream().filter(m -> subject(m).contains("INSUFFICIENT_LICENSES")).findFirst().get();
        assertEquals(FROM, first.getFrom()[0].toString());
        assertEquals(on.alerts("?type=INSUFFICIENT_LICENSES").get(0).get("id").asText(),
                first.getHeader("X-SmartSat-Alert-Id")[0]);
        String body = ((String) first.getContent()).replace("\r\n", "\n");
        for (String line : List.of("Type:            INSUFFICIENT_LICENSES", "Severity:        CRITICAL",
                "Account:         Example Corp", "Virtual account: Lab", "License:         " + NETWORK_ADVANTAGE,
                "short of 1")) {
            assertTrue(body.contains(line), line + " in\n" + body);
        }
    }

    @Test
    void aMailServerThatIsDownDelaysTheMailAndNothingElse() throws Exception {
        down = ClosedPort.open();
        int port = down.port();
        sat = TestSatellite.start(dir, Map.of(), mailTo(port, "ops@example.com", Map.of()));
        // retries close together, and never far apart: the mail must follow the server's return within the test's bound
        sat.server().mail().backoff(new MailOutbox.Backoff(Duration.ofMillis(50), Duration.ofMillis(500)));
        AlertScenarios on = new AlertScenarios(sat);

        TestDevice device = on.deviceInLab("DOWN1", 5);
        Await.until(() -> on.total("?type=INSUFFICIENT_LICENSES&active=true") == 1, "raised while the server is down");
        Await.until(() -> outbox().size() == 1 && outbox().get(0).attempts() >= 2, "retried while down");
        MailDao.Pending waiting = outbox().get(0);
        assertTrue(waiting.lastError().contains(Integer.toString(port)), waiting.lastError());
        assertTrue(waiting.subject().startsWith("[SmartSat] INSUFFICIENT_LICENSES: "), waiting.subject());
        // devices and the API carry on meanwhile
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 5L)).status());
        assertEquals("OK", on.deviceInLab("DOWN2", 1).authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status());
        assertEquals(1, on.alerts("?active=true").size());
        assertEquals(1.0, pendingGauge());

        down.close();
        later = serverOn(port);
        Await.until(() -> later.getReceivedMessages().length == 1, "mail delivered once the server is up");
        Await.until(() -> outbox().isEmpty(), "outbox emptied");
        assertTrue(subject(later.getReceivedMessages()[0]).startsWith("[SmartSat] INSUFFICIENT_LICENSES: "));
    }

    @Test
    void mailWaitingWhenTheSatelliteStopsIsSentAfterItStarts() throws Exception {
        down = ClosedPort.open();
        int port = down.port();
        sat = TestSatellite.start(dir, Map.of(), mailTo(port, "ops@example.com", Map.of()));
        AlertScenarios on = new AlertScenarios(sat);
        on.deviceInLab("RESTART1", 5);
        Await.until(() -> outbox().size() == 1 && outbox().get(0).lastError() != null, "first attempt failed");
        long alertId = outbox().get(0).alertId();

        sat.stop();
        down.close();
        later = serverOn(port);
        sat.restart();
        Await.until(() -> later.getReceivedMessages().length == 1, "mail delivered after the restart");
        Await.until(() -> outbox().isEmpty(), "outbox emptied");
        assertEquals(Long.toString(alertId), later.getReceivedMessages()[0].getHeader("X-SmartSat-Alert-Id")[0]);
        assertEquals(1, new AlertScenarios(sat).events("ALERT_RAISED", "INSUFFICIENT_LICENSES"), "raised once");
    }

    @Test
    void retriesWaitTwiceAsLongEachTimeUpTo15Minutes() {
        MailOutbox.Backoff backoff = MailOutbox.Backoff.DEFAULT;
        assertEquals(Duration.ofSeconds(5), backoff.after(0));
        assertEquals(Duration.ofSeconds(10), backoff.after(1));
        assertEquals(Duration.ofSeconds(20), backoff.after(2));
        assertEquals(Duration.ofSeconds(640), backoff.after(7));
        assertEquals(Duration.ofMinutes(15), backoff.after(8));
        assertEquals(Duration.ofMinutes(15), backoff.after(Integer.MAX_VALUE), "no overflow, however long");
    }

    @Test
    void badMailSettingsStopTheStartWithTheKeyNamed() throws Exception {
        assertRefused("alerts:\n  smtp:\n    host: mail.example.com\n    port: 70000\n    from: a@example.com\n"
                + "    to: [b@example.com]\n", "alerts.smtp.port");
        assertRefused("alerts:\n  smtp:\n    host: mail.example.com\n    from: a@example.com\n", "alerts.smtp.to");
        assertRefused("alerts:\n  smtp:\n    host: mail.example.com\n    from: not an address\n"
                + "    to: [b@example.com]\n", "alerts.smtp.from");
    }

    private void assertRefused(String yaml, String key) throws IOException {
        Path file = Files.writeString(dir.resolve("smartsat.yaml"), yaml);
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("serve", "--config", file.toString(), "--data-dir", dir.resolve("d").toString()));
        assertTrue(err.toString().contains(key), err.toString());
        assertTrue(!Files.exists(dir.resolve("d")), "refused before anything was created");
    }

    private static Map<String, Object> mailTo(int port, String to, Map<String, Object> more) {
        Map<String, Object> flags = new java.util.HashMap<>(Map.of("alerts.smtp.host", "127.0.0.1",
                "alerts.smtp.port", port, "alerts.smtp.from", FROM, "alerts.smtp.to", to));
        flags.putAll(more);
        return flags;
    }

    private List<MailDao.Pending> outbox() {
        return sat.server().store().read(tx -> tx.mail().pending(100));
    }

    private void awaitMail(int count) throws InterruptedException {
        Await.until(() -> inbox("ops@example.com").size() >= count, count + " mail(s)");
    }

    /** What one recipient's mailbox holds (GreenMail keeps a copy per recipient). */
    private static List<MimeMessage> inbox(String address) {
        return smtp.findReceivedMessages(user -> user.getEmail().equals(address), m -> true).toList();
    }

    /** smartsat_mail_outbox_pending as /metrics shows it. */
    private double pendingGauge() {
        for (String line : sat.get("/metrics", sat.adminToken()).body().split("\n")) {
            if (line.startsWith("smartsat_mail_outbox_pending ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no smartsat_mail_outbox_pending in /metrics");
    }

    private static GreenMail serverOn(int port) {
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return server;
    }

    private static List<String> subjects(List<MimeMessage> messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(subject(m)));
        return out;
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
