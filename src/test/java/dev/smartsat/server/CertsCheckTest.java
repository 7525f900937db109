package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import dev.smartsat.cli.SmartSatCommand;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.PinDao;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** SPEC §10: a node refuses to start when its certs are not those the database was created with. */
class CertsCheckTest {
    @TempDir
    Path dir;

    private record Run(int exit, String err) {}

    /** {@code smartsat serve} on the test satellite's data dir; bounded, as a start that wrongly succeeds serves on. */
    private Run serve(Path certs) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            StringWriter err = new StringWriter();
            CommandLine cli = SmartSatCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute("serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                    "--certs-dir", certs.toString());
            return new Run(exit, err.toString());
        });
    }

    @Test
    void theFirstStartRecordsTheSharedCertificates() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            Pki pki = sat.server().pki();
            Map<String, String> recorded = sat.server().store().read(tx -> tx.pins().all()).stream()
                    .collect(Collectors.toMap(PinDao.Pin::name, PinDao.Pin::sha256));
            assertEquals(Map.of(Pki.ROOT_FILE, Pki.fingerprint(pki.root()),
                    Pki.PRODUCT_CA_FILE, Pki.fingerprint(pki.productCa()),
                    Pki.SIGNING_FILE, Pki.fingerprint(pki.signingCert())), recorded);
            assertEquals(64, recorded.get(Pki.ROOT_FILE).length());
        }
    }

    @Test
    void newCertsInPlaceOfTheFirstOnesStopTheStartWithExit2() throws Exception {
        TestSatellite.start(dir).close();
        Path certs = dir.resolve("certs");
        delete(certs);
        Pki.init(certs, List.of(), Clock.systemUTC());  // a second node's own certs, as if not copied

        Run run = serve(certs);

        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().strip().lines().count(), "one clear line: " + run.err());
        assertTrue(run.err().contains("copy the certs dir of the first node") && run.err().contains(certs.toString())
                && run.err().contains(Pki.ROOT_FILE), run.err());
    }

    @Test
    void aNewSigningCertificateAloneIsRefusedToo() throws Exception {
        TestSatellite.start(dir).close();
        Path certs = dir.resolve("certs");
        Files.delete(certs.resolve(Pki.SIGNING_FILE));
        Files.delete(certs.resolve(Pki.SIGNING_KEY_FILE));  // reissued from the same root at the next start

        Run run = serve(certs);

        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains(Pki.SIGNING_FILE) && run.err().contains("copy the certs dir"), run.err());
    }

    @Test
    void anEmptyCertsDirIsRefusedBeforeAnyCertificateIsMadeInIt() throws Exception {
        TestSatellite.start(dir).close();
        Path elsewhere = dir.resolve("other-certs");

        Run run = serve(elsewhere);

        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("has no ca.pem") && run.err().contains("copy the certs dir"), run.err());
        assertFalse(Files.exists(elsewhere.resolve(Pki.ROOT_FILE)), "no root is generated for a database that has one");
    }

    @Test
    void aCopyOfTheCertsDirServesTheSameDatabase() throws Exception {
        TestSatellite.start(dir).close();
        Path copy = dir.resolve("copied-certs");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(dir.resolve("certs"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        try (TestSatellite sat = TestSatellite.start(dir, Map.of(), Map.of("certs.dir", copy))) {
            assertEquals(200, sat.get("/health", null).status());
        }
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
