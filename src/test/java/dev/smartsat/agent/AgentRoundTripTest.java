package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Main;
import dev.smartsat.TestSatellite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The agent's whole life through the real command line against a real satellite: register, authorize,
 * status, renew, retries through injected faults, deregister — checked on both sides.
 */
class AgentRoundTripTest {
    static final String NETWORK_ADVANTAGE = "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    static final String LAB = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab";

    @TempDir
    Path dir;
    TestSatellite sat;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir.resolve("sat"));
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    int agent(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 5];
        all[0] = "agent";
        all[1] = "--state";
        all[2] = dir.resolve("device.json").toString();
        all[3] = "--ca";
        all[4] = dir.resolve("sat/certs/ca.pem").toString();
        System.arraycopy(args, 0, all, 5, args.length);
        return cli.execute(all);
    }

    String url() {
        return sat.uri("/SmartTransport").toString();
    }

    @Test
    void registerAuthorizeRenewDeregister() {
        String admin = sat.adminToken();
        String token = sat.createToken("Lab", "{\"exportControlled\":\"Not Allowed\"}");
        assertEquals(0, agent("register", "--url", url(), "--token", token, "--pid", "C9300-24UX", "--serial",
                "AGENT0001", "--hostname", "sw1.example.com"), err.toString());
        assertEquals(0, agent("authorize", "--entitlement", NETWORK_ADVANTAGE + "=2"), err.toString());
        assertEquals(0, agent("status"), err.toString());
        String status = out.toString();
        assertTrue(status.contains("Registered"), status);
        assertTrue(status.contains("Authorized"), status);
        assertTrue(status.contains("Not Allowed"), "export-controlled functionality from the token: " + status);

        JsonNode devices = sat.get(LAB + "/devices", admin).json();
        assertEquals(1, devices.get("totalRecords").asInt());
        JsonNode d = devices.get("devices").get(0);
        assertEquals("sw1.example.com", d.get("hostName").asText());
        assertEquals("AUTHORIZED", d.get("authorizationStatus").asText());
        assertEquals(2, d.get("licenseUsage").get(0).get("quantity").asInt());

        assertEquals(0, agent("renew-id"), err.toString());
        assertEquals(1, sat.get(TestSatellite.ACCOUNT_PATH + "/events?type=INSTANCE_RENEWED", admin).json()
                .get("totalRecords").asInt());

        // half the transport requests fail with OK_TRY_AGAIN; the agent retries after Retry-After
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{\"transport\":{\"failRate\":0.5}}").status());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, agent("authorize", "--entitlement", NETWORK_ADVANTAGE + "=1"), err.toString());
        }
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{}").status());

        assertEquals(0, agent("deregister"), err.toString());
        assertEquals(0, sat.get(LAB + "/devices", admin).json().get("totalRecords").asInt());
        assertEquals(0, agent("status"));
        assertTrue(out.toString().contains("Unregistered"), out.toString());
    }

    @Test
    void aRefusalExitsOneWithTheSatellitesReason() {
        assertEquals(1, agent("register", "--url", url(), "--token", "not-a-token", "--pid", "C9300-24UX", "--serial",
                "AGENT0002"));
        assertTrue(err.toString().contains("TOKEN_INVALID"), err.toString());
        assertEquals(0, agent("status"));
        assertTrue(out.toString().contains("Registration Failed"), out.toString());
    }

    @Test
    void aSatelliteWithAnotherRootIsNotTrusted() {
        TestSatellite other = TestSatellite.start(dir.resolve("other"));
        try {
            String token = other.createToken("Lab", "{}");
            int code = agent("register", "--url", other.uri("/SmartTransport").toString(), "--token", token,
                    "--pid", "C9300-24UX", "--serial", "AGENT0003");
            assertEquals(3, code, "unreachable or untrusted: " + err);
            assertEquals(0, other.get(LAB + "/devices", other.adminToken()).json().get("totalRecords").asInt());
        } finally {
            other.close();
        }
    }
}
