package dev.smartsat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Await;
import dev.smartsat.Main;
import dev.smartsat.agent.Answer;
import dev.smartsat.agent.Device;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import dev.smartsat.TestSatellite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * SPEC §13 backup and restore: a backup taken while the server writes is one consistent snapshot, and a
 * restore brings exactly it back; a running server and a file that is not a SmartSat backup are refused,
 * changing nothing.
 */
class BackupRestoreTest {
    private static final String TOKENS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/tokens";

    @TempDir
    Path dir;

    /** A command's exit code and what it printed. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aBackupTakenWhileTheServerRunsRestoresExactlyItsMoment() throws Exception {
        Path sat = dir.resolve("sat");
        Path data = sat.resolve("data");
        Path backup = dir.resolve("backups/smartsat-backup.db");
        Files.createDirectories(backup.getParent());
        try (TestSatellite s = TestSatellite.start(sat)) {
            String kept = s.createToken("Default", "{\"description\":\"before the backup\"}");
            Run taken = run("backup", "--data-dir", data.toString(), "--out", backup.toString());
            assertEquals(0, taken.code(), taken.toString());
            assertTrue(taken.out().contains(backup.toAbsolutePath().toString()), taken.out());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
            String later = s.createToken("Default", "{\"description\":\"after the backup\"}");

            Run refused = run("restore", "--in", backup.toString(), "--data-dir", data.toString());
            assertEquals(2, refused.code(), "a running server's data dir is refused: " + refused);
            assertTrue(refused.err().contains("in use"), refused.err());
            assertTrue(tokens(s).contains(later), "nothing changed");

            s.stop();
            Run restored = run("restore", "--in", backup.toString(), "--data-dir", data.toString());
            assertEquals(0, restored.code(), restored.toString());
            s.restart();
            String after = tokens(s);
            assertTrue(after.contains(kept), "the backup's token is back: " + after);
            assertTrue(!after.contains(later), "the later one is gone: " + after);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(data.resolve("smartsat.db"))));
        }
    }

    @Test
    void aFileThatIsNotASmartSatBackupIsRefusedAndNothingChanges() throws Exception {
        Path sat = dir.resolve("sat");
        Path data = sat.resolve("data");
        try (TestSatellite s = TestSatellite.start(sat)) {
            s.createToken("Default", "{\"description\":\"stays\"}");
        }
        byte[] before = Files.readAllBytes(data.resolve("smartsat.db"));
        Path garbage = Files.writeString(dir.resolve("garbage.db"), "not a database at all, just text");
        Path foreign = dir.resolve("foreign.db");
        org.jdbi.v3.core.Jdbi.create("jdbc:sqlite:" + foreign).useHandle(h -> h.execute("CREATE TABLE t (x INTEGER)"));
        for (Path file : new Path[] {garbage, foreign, dir.resolve("missing.db")}) {
            Run refused = run("restore", "--in", file.toString(), "--data-dir", data.toString());
            assertEquals(2, refused.code(), file + ": " + refused);
            assertTrue(refused.err().contains("nothing was changed"), refused.err());
        }
        assertArrayEquals(before, Files.readAllBytes(data.resolve("smartsat.db")));

        Run noDatabase = run("backup", "--data-dir", dir.resolve("empty").toString(), "--out",
                dir.resolve("b.db").toString());
        assertEquals(2, noDatabase.code(), noDatabase.toString());
        assertTrue(noDatabase.err().contains("no database"), noDatabase.err());
    }

    @Test
    void onPostgreSqlBothCommandsSayToUsePgDumpAndTouchNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("pg.yaml"), "db:\n  url: jdbc:postgresql://127.0.0.1:1/smartsat\n");
        Path data = dir.resolve("data");
        Path backup = dir.resolve("b.db");
        Run taken = run("backup", "--config", config.toString(), "--data-dir", data.toString(), "--out", backup.toString());
        Run restored = run("restore", "--config", config.toString(), "--data-dir", data.toString(), "--in",
                backup.toString());
        for (Run r : new Run[] {taken, restored}) {
            assertEquals(2, r.code(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("for PostgreSQL use pg_dump"), r.err());
        }
        assertFalse(Files.exists(data), "no data dir is made");
        assertFalse(Files.exists(backup));
    }

    /**
     * The acceptance of SPEC §13's backup: taken while devices register without pause, the copy passes SQLite's
     * integrity check and holds every instance whose registration was answered before the backup started; a
     * restore brings back exactly the copy.
     */
    @Test
    void aBackupUnderRegistrationLoadHoldsEveryAcknowledgedInstance() throws Exception {
        Path sat = dir.resolve("sat");
        Path data = sat.resolve("data");
        Path backup = dir.resolve("under-load.db");
        record Ack(String piid, long nanos) {}
        Queue<Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger serial = new AtomicInteger();
        try (TestSatellite s = TestSatellite.start(sat)) {
            String token = s.createToken("Lab", "{\"description\":\"backup load\"}");
            URI url = s.uri("/SmartTransport");
            ExecutorService devices = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                running.add(devices.submit(() -> {
                    while (!stop.get()) {
                        Device d = Device.inMemory(sat.resolve("certs/ca.pem"), Clock.systemUTC(), 5);
                        Answer a = d.register(new Device.RegisterRequest(url, token, "C9300-24UX",
                                "BKP" + serial.incrementAndGet()));
                        if (a.ok()) {
                            acks.add(new Ack(d.state().registration().productInstanceIdentifier(), System.nanoTime()));
                        }
                    }
                    return null;
                }));
            }
            Await.until(() -> acks.size() >= 20, "devices register");
            long started = System.nanoTime();
            Run taken = run("backup", "--data-dir", data.toString(), "--out", backup.toString());
            int duringAndAfter = acks.size();
            Await.until(() -> acks.size() >= duringAndAfter + 10, "devices go on registering after the backup");
            stop.set(true);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            devices.shutdown();
            assertEquals(0, taken.code(), taken.toString());

            Jdbi copy = Jdbi.create("jdbc:sqlite:" + backup);
            assertEquals(List.of("ok"), copy.withHandle(h -> h.createQuery("PRAGMA integrity_check").mapTo(String.class).list()));
            Set<String> inCopy = new HashSet<>(copy.withHandle(h -> h.createQuery("SELECT piid FROM product_instance")
                    .mapTo(String.class).list()));
            List<String> acknowledgedBefore = acks.stream().filter(a -> a.nanos() < started).map(Ack::piid).toList();
            assertTrue(acknowledgedBefore.size() >= 20, "registrations answered before the backup: " + acknowledgedBefore.size());
            List<String> lost = acknowledgedBefore.stream().filter(p -> !inCopy.contains(p)).toList();
            assertTrue(lost.isEmpty(), "answered before the backup started, missing from it: " + lost);
            assertTrue(inCopy.size() < acks.size(), "the later registrations are not in the copy: " + inCopy.size()
                    + " of " + acks.size());

            s.stop();
            Run restored = run("restore", "--in", backup.toString(), "--data-dir", data.toString());
            assertEquals(0, restored.code(), restored.toString());
            s.restart();
            JsonNode lab = s.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/devices?limit=1", s.adminToken()).json();
            assertEquals(inCopy.size(), lab.get("totalRecords").asInt(), "the restored satellite holds the copy's instances");
        }
    }

    private static String tokens(TestSatellite s) {
        TestSatellite.Response r = s.get(TOKENS + "?limit=1000", s.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.body();
    }
}
