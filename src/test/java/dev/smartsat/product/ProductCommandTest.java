package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.Main;
import dev.smartsat.TestSatellite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code smartsat product} on the command line: its page and JSON, bad scenario files, and a satellite out of reach. */
class ProductCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n    calls: [{type: b2b, media: video, count: -1}]|step 1, key calls[0].count",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n    calls: [{type: b2b, media: audio, count: 2.5}]|step 1, key calls[0].count",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n  - day: 1\\n    colour: red|step 2, key colour",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 5\\n  - day: 3|step 2, key day",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n    calls: [{type: b2c, media: video, count: 1}]|step 1, key calls[0].type",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n    meetings: []|step 1, key meetings",
        "s.yaml|product: expressway\\nsteps:\\n  - day: 0\\n    registrations: [{model: MCU, protocol: h323, via: proxy-e, count: 1}]|step 1, key registrations[0].via",
        "s.yaml|product: webex-meetings-server\\nsteps:\\n  - day: 0\\n    reserve: [{license: Webex Meetings Server Host, quantity: 1.5}]|step 1, key reserve[0].quantity",
        "s.yaml|product: webex-meetings-server\\nsystemSize: huge\\nsteps: []|top level, key systemSize",
        "s.yaml|product: expressway\\ncolour: red\\nsteps: []|top level, key colour",
        "s.yaml|product: [|malformed",
        "s.json|{\"product\":\"webex-meetings-server\",\"steps\":[{\"day\":0,\"meetings\":[{\"host\":\"a\",\"overlapping\":0}]}]}|step 1, key meetings[0].overlapping",
    })
    void aBadScenarioFileExitsTwoNamingStepAndKeyBeforeAnythingIsSent(String name, String content, String named)
            throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content.replace("\\n", "\n"));
        Path credentials = dir.resolve("admin.json");
        Files.writeString(credentials, "{\"client_id\":\"a\",\"client_secret\":\"b\"}");
        // Port 1 answers nothing: had anything been sent, the run would end 3, not 2.
        Run run = cli("product", "--ca", dir.resolve("ca.pem").toString(), "run", "--scenario", file.toString(),
                "--url", "https://127.0.0.1:1/SmartTransport", "--admin-credentials", credentials.toString());
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains(named), run.err());
        assertTrue(run.err().contains("nothing was sent"), run.err());
    }

    @Test
    void statusPrintsEveryFieldOfTheSmartLicensingPageAndJsonHasTheKeys() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String ca = sat.dir().resolve("certs/ca.pem").toString();
            String url = sat.uri("/SmartTransport").toString();
            String state = dir.resolve("expressway.json").toString();
            Run init = cli("product", "--state", state, "--ca", ca, "init", "--profile", "expressway", "--url", url);
            assertEquals(0, init.exit(), init.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(state))));
            Run evaluation = cli("product", "--state", state, "status");
            assertTrue(evaluation.out().contains("Evaluation Mode (90 days remaining)"), evaluation.out());

            String token = sat.createToken("Default", "{\"description\":\"product\",\"expiresAfterDays\":30}");
            Run register = cli("product", "--state", state, "--ca", ca, "register", "--token", token);
            assertEquals(0, register.exit(), register.toString());
            Run set = cli("product", "--state", state, "--ca", ca, "set", "--calls",
                    "[{\"type\":\"b2b\",\"media\":\"video\",\"count\":3}]", "--registrations",
                    "[{\"model\":\"Cisco Webex DX80\",\"protocol\":\"sip+h323\",\"count\":1}]");
            assertEquals(0, set.exit(), set.toString());

            Run status = cli("product", "--state", state, "status");
            assertEquals(0, status.exit(), status.toString());
            for (String field : List.of("Smart licensing mode:", "Transport settings:", "Registration status:",
                    "License authorization status:", "Smart account:", "Virtual account:",
                    "Export-Controlled Functionality:", "License usage", "License type", "Current usage", "Status")) {
                assertTrue(status.out().contains(field), field + " in\n" + status.out());
            }
            for (String value : List.of("Registered", "Authorized", "Example Corp", "Default", "Allowed",
                    "Expressway Rich Media Session", "TelePresence Room System Registration",
                    "Desktop System Registration")) {
                assertTrue(status.out().contains(value), value + " in\n" + status.out());
            }
            JsonNode json = new ObjectMapper().readTree(cli("product", "--state", state, "status", "--json").out());
            assertEquals(List.of("product", "productInstanceIdentifier", "date", "registrationStatus",
                    "authorizationStatus", "smartAccount", "virtualAccount", "exportControlled", "licenses", "refused"),
                    keys(json));
            assertEquals(List.of("entitlementTag", "license", "count", "status"), keys(json.get("licenses").get(0)));
            assertEquals(3, json.get("licenses").size());
            assertEquals(ScenarioSupport.inUse(sat, "Default").get(ProductLicense.DESKTOP_SYSTEM.tag()), 1L);
        }
    }

    @Test
    void runJsonHasTheKeysOfSection11AndStateKeepsTheProduct() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String state = dir.resolve("webex.json").toString();
            Run run = cli("product", "--state", state, "--ca", sat.dir().resolve("certs/ca.pem").toString(), "run",
                    "--scenario", "examples/scenarios/webex-hosts.yaml", "--url", sat.uri("/SmartTransport").toString(),
                    "--admin-credentials", sat.dir().resolve("data/admin-credentials.json").toString(), "--json");
            assertEquals(0, run.exit(), run.toString());
            JsonNode json = new ObjectMapper().readTree(run.out());
            assertEquals(List.of("product", "productInstanceIdentifier", "steps"), keys(json));
            assertEquals("webex-meetings-server", json.get("product").asText());
            JsonNode step = json.get("steps").get(1);
            assertEquals(List.of("day", "date", "registrationStatus", "authorizationStatus", "licenses", "refused"),
                    keys(step));
            assertEquals(List.of("what", "reason"), keys(step.get("refused").get(0)));
            Run status = cli("product", "--state", state, "status", "--json");
            JsonNode page = new ObjectMapper().readTree(status.out());
            assertEquals(json.get("productInstanceIdentifier").asText(), page.get("productInstanceIdentifier").asText());
            assertEquals("Registered", page.get("registrationStatus").asText());
        }
    }

    @Test
    void aSatelliteOutOfReachOrUntrustedExitsThreeAndLeavesTheStateFileAsItWas() throws Exception {
        Path state = dir.resolve("p.json");
        String ca;
        String url;
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            ca = sat.dir().resolve("certs/ca.pem").toString();
            url = sat.uri("/SmartTransport").toString();
            assertEquals(0, cli("product", "--state", state.toString(), "--ca", ca, "init", "--profile",
                    "webex-meetings-server", "--url", url).exit());
            // another satellite's root: TLS cannot be trusted
            Path other = dir.resolve("other-ca.pem");
            Files.writeString(other, dev.smartsat.pki.PemFiles.toPem(dev.smartsat.pki.Pki.loadOrCreate(
                    dir.resolve("other"), List.of("localhost"), Clock.systemUTC()).root()));
            byte[] before = Files.readAllBytes(state);
            Run untrusted = cli("product", "--state", state.toString(), "--ca", other.toString(), "register",
                    "--token", "t");
            assertEquals(3, untrusted.exit(), untrusted.toString());
            assertArrayEquals(before, Files.readAllBytes(state));
        }
        byte[] before = Files.readAllBytes(state);
        Run register = cli("product", "--state", state.toString(), "--ca", ca, "register", "--token", "t");
        assertEquals(3, register.exit(), register.toString());
        assertTrue(register.err().contains("UNREACHABLE"), register.err());
        Run run = cli("product", "--state", state.toString(), "--ca", ca, "run", "--scenario",
                "examples/scenarios/webex-hosts.yaml", "--url", url, "--admin-credentials",
                dir.resolve("sat/data/admin-credentials.json").toString());
        assertEquals(3, run.exit(), run.toString());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void aProductLicensedByReservationShowsItOnItsPage() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String ca = sat.dir().resolve("certs/ca.pem").toString();
            String state = dir.resolve("webex.json").toString();
            assertEquals(0, cli("product", "--state", state, "--ca", ca, "init", "--profile", "webex-meetings-server",
                    "--url", sat.uri("/SmartTransport").toString(), "--pid", "CWMS-4-K9", "--serial", "RES1").exit());
            Run request = cli("product", "--state", state, "--ca", ca, "reserve", "request");
            assertEquals(0, request.exit(), request.toString());
            String code = request.out().lines().filter(l -> l.startsWith("CB-Z")).findFirst().orElseThrow();
            TestSatellite.Response reserved = sat.post(TestSatellite.ACCOUNT_PATH
                    + "/virtual-accounts/Default/reserve-licenses", sat.adminToken(), "{\"reservationRequests\":[{"
                    + "\"reservationCode\":\"" + code + "\",\"licenses\":[{\"entitlementTag\":\""
                    + ProductLicense.HOST.tag() + "\",\"quantity\":1}]}]}");
            assertEquals(200, reserved.status(), reserved.toString());
            Path codeFile = dir.resolve("code.txt");
            Files.writeString(codeFile, reserved.json().get("authorizationCodes").get(0).get("authorizationCode").asText());
            Run install = cli("product", "--state", state, "--ca", ca, "reserve", "install", "--code-file",
                    codeFile.toString());
            assertEquals(0, install.exit(), install.toString());
            assertEquals(0, cli("product", "--state", state, "--ca", ca, "set", "--meetings",
                    "[{\"host\":\"alice\"},{\"host\":\"bob\"}]").exit());
            JsonNode page = new ObjectMapper().readTree(cli("product", "--state", state, "status", "--json").out());
            assertEquals("Registered – Specific License Reservation", page.get("registrationStatus").asText());
            assertEquals("Out-of-compliance", page.get("authorizationStatus").asText());
            assertEquals(2, page.get("refused").size(), page.toString());
            Run returned = cli("product", "--state", state, "--ca", ca, "reserve", "return");
            assertEquals(0, returned.exit(), returned.toString());
            page = new ObjectMapper().readTree(cli("product", "--state", state, "status", "--json").out());
            assertEquals("Unregistered", page.get("registrationStatus").asText());
            assertEquals("Evaluation Mode", page.get("authorizationStatus").asText());
        }
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }
}
