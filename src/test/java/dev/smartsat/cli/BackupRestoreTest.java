package dev.smartsat.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.Main;
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

    private static String tokens(TestSatellite s) {
        TestSatellite.Response r = s.get(TOKENS + "?limit=1000", s.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.body();
    }
}
