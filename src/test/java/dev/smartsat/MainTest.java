package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command has --help; certs init creates the PKI and is idempotent. */
class MainTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "serve", "certs", "certs init", "cssm", "cssm process-sync"})
    void everyCommandHasHelp(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        assertEquals(0, cli.execute(args));
        assertTrue(out.toString().startsWith("Usage: smartsat"), out.toString());
    }

    @Test
    void certsInitCreatesThePkiOnceAndReportsWhatItMade(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("certs", "init", "--certs-dir", dir.resolve("c").toString()));
        for (String f : new String[] {"ca", "product-ca", "signing", "tls"}) {
            assertTrue(Files.exists(dir.resolve("c/" + f + ".pem")), f);
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("c/" + f + "-key.pem"))));
        }
        byte[] root = Files.readAllBytes(dir.resolve("c/ca.pem"));
        assertEquals(0, Main.commandLine().execute("certs", "init", "--certs-dir", dir.resolve("c").toString()));
        assertEquals(new String(root), Files.readString(dir.resolve("c/ca.pem")), "a second init keeps the root");
    }

    @Test
    void aBadSettingFailsWithAMessageNotAStackTrace(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("serve", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("missing.yaml"), err.toString());
    }
}
