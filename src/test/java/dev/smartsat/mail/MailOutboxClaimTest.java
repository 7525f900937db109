package dev.smartsat.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.smartsat.Await;
import dev.smartsat.config.Settings;
import dev.smartsat.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: each mail is sent once, though every node's sender works the one outbox. Two nodes are two stores on one
 * database file, each with its own sender, started at the same moment on a full outbox.
 */
class MailOutboxClaimTest {
    private static final int MAILS = 40;

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private Store a;
    private Store b;
    private MailOutbox onA;
    private MailOutbox onB;

    @BeforeEach
    void twoNodes() {
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        a = Store.open(url, 10_000);
        b = Store.open(url, 10_000);
        Settings.Smtp settings = new Settings.Smtp("127.0.0.1", smtp.getSmtp().getPort(), "sat@example.com",
                List.of("ops@example.com"), null, null, false);
        onA = new MailOutbox(a, Clock.systemUTC(), settings);
        onB = new MailOutbox(b, Clock.systemUTC(), settings);
    }

    @AfterEach
    void close() {
        onA.close();
        onB.close();
        a.close();
        b.close();
    }

    @Test
    void twoSendersOnOneOutboxSendEachMailOnce() throws Exception {
        Instant now = Instant.now();
        a.write(tx -> {
            for (int i = 0; i < MAILS; i++) {
                tx.mail().enqueue(i, "alert " + i, "body " + i, "ops@example.com", now, now);
            }
            return null;
        });

        onA.start();
        onB.start();

        Await.until(() -> a.read(tx -> tx.mail().count()) == 0, "the outbox is empty");
        var received = smtp.getReceivedMessages();
        Set<String> subjects = new HashSet<>();
        for (var m : received) {
            subjects.add(m.getSubject());
        }
        assertEquals(MAILS, subjects.size(), "every mail arrived");
        assertEquals(MAILS, received.length, "and each once");
    }
}
