package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.Await;
import dev.smartsat.ClosedPort;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.cli.SmartSatCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** SPEC §13 "Start and stop": a start that cannot work creates nothing; a stop lets requests in flight finish. */
class StartStopTest {
    @TempDir
    Path dir;

    private record Run(int exit, String err) {}

    /** {@code smartsat serve …}; bounded, because a start that wrongly succeeds would serve until stopped. */
    private Run serve(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            StringWriter err = new StringWriter();
            CommandLine cli = SmartSatCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));
            String[] all = new String[args.length + 1];
            all[0] = "serve";
            System.arraycopy(args, 0, all, 1, args.length);
            return new Run(cli.execute(all), err.toString());
        });
    }

    @Test
    void aBusyPortStopsTheStartBeforeAnythingIsCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            Path data = dir.resolve("data");
            Path certs = dir.resolve("certs");
            Run run = serve("--port", String.valueOf(taken.getLocalPort()), "--data-dir", data.toString(),
                    "--certs-dir", certs.toString());
            assertEquals(2, run.exit(), run.err());
            assertEquals(1, run.err().strip().lines().count(), "one clear line: " + run.err());
            assertTrue(run.err().contains("port " + taken.getLocalPort()) && run.err().contains("--port"), run.err());
            assertFalse(Files.exists(data), "no data dir is created");
            assertFalse(Files.exists(certs), "no certificates are created");
        }
    }

    /** SPEC §10: a database that cannot be reached, or refuses the login, stops the start with one line. */
    @Test
    void aDatabaseThatCannotBeUsedStopsTheStartBeforeAnythingIsCreated() throws Exception {
        try (ClosedPort closed = ClosedPort.open()) { // refuses connections, and stays so while the test runs
            String unreachable = "jdbc:postgresql://127.0.0.1:" + closed.port() + "/smartsat";
            String missing = TestDatabase.newPostgresDatabase().replaceFirst("/t_[0-9a-f]+", "/no_such_database");
            String[][] cases = {
                {unreachable, "refused"},
                {missing, "no_such_database"},
                {"jdbc:mysql://127.0.0.1/smartsat", "db.url must be jdbc:sqlite:FILE or jdbc:postgresql:"},
            };
            for (String[] c : cases) {
                Path config = Files.writeString(dir.resolve("db.yaml"), "db:\n  url: \"" + c[0] + "\"\n  user: postgres\n");
                Path data = dir.resolve("data");
                Path certs = dir.resolve("certs");
                Run run = serve("--config", config.toString(), "--port", "0", "--data-dir", data.toString(),
                        "--certs-dir", certs.toString());
                assertEquals(2, run.exit(), run.err());
                assertEquals(1, run.err().strip().lines().count(), "one clear line: " + run.err());
                assertTrue(run.err().contains(c[1]), run.err());
                assertFalse(Files.exists(data), "no data dir is created: " + c[0]);
                assertFalse(Files.exists(certs), "no certificates are created: " + c[0]);
            }
        }
    }

    @Test
    void aDataDirThatIsAFileStopsTheStartBeforeAnythingIsCreated() throws Exception {
        Path data = Files.writeString(dir.resolve("data"), "not a directory");
        Path certs = dir.resolve("certs");
        Run run = serve("--port", "0", "--data-dir", data.toString(), "--certs-dir", certs.toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("is not a directory") && run.err().contains("--data-dir"), run.err());
        assertFalse(Files.exists(certs), "no certificates are created");
    }

    @Test
    void aCertsDirUnderAFileStopsTheStartBeforeAnythingIsCreated() throws Exception {
        Files.writeString(dir.resolve("plain"), "a file");
        Path data = dir.resolve("data");
        Run run = serve("--port", "0", "--data-dir", data.toString(), "--certs-dir", dir.resolve("plain/certs").toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("cannot be created") && run.err().contains("--certs-dir"), run.err());
        assertFalse(Files.exists(data), "no data dir is created");
    }

    @Test
    void stoppingLetsARequestInFlightFinish() throws Exception {
        TestSatellite sat = TestSatellite.start(dir);
        try {
            String admin = sat.adminToken();
            assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin,
                    "{\"transport\":{\"failRate\":0.0,\"delayMs\":1500}}").status());
            String payload = "{\\\"message_type\\\":\\\"REGISTER\\\",\\\"nonce\\\":\\\"abcdefghijklmnop1234\\\"}";
            String envelope = "{\"payload\":\"" + payload + "\",\"signature\":{\"algorithm\":\"SHA256withECDSA\","
                    + "\"key_id\":\"csr\",\"value\":\"AAAA\"}}";
            SmartSatServer server = sat.server();
            // The faults call is answered before the server counts it out: counted in flight, it would pass for the
            // device message below, and the stop would begin before that message arrived (and refuse it with a 503).
            Await.until(() -> server.requestsInFlight() == 0, "the faults call has left");
            CompletableFuture<TestSatellite.Response> answer = CompletableFuture.supplyAsync(() -> sat.send("POST",
                    "/SmartTransport", null, "application/json", HttpRequest.BodyPublishers.ofString(envelope)));
            Await.until(() -> server.requestsInFlight() == 1, "the device message is being answered");

            sat.stop();

            TestSatellite.Response r = answer.get(20, TimeUnit.SECONDS);
            assertTrue(r.status() >= 200 && r.status() < 500, "the request in flight got its whole answer: " + r);
            assertTrue(r.body().contains("\"signature\""), "a signed envelope, not a cut connection: " + r);
        } finally {
            sat.close();
        }
    }
}
