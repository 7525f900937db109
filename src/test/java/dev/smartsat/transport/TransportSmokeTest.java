package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransportSmokeTest {
    @TempDir
    Path dir;

    @Test
    void registerAuthorizeDeregister() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String token = sat.createToken("Default", "{}");
            TestDevice d = new TestDevice(sat, "C9300-24UX", "FCW0001");
            TestDevice.Answer r = d.register(token);
            System.out.println(r);
            assertEquals("OK", r.status(), r.toString());
            TestDevice.Answer a = d.authorize(Map.of(TestDevice.NETWORK_ADVANTAGE, 2L));
            System.out.println(a);
            System.out.println(sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices", sat.adminToken()).body());
            System.out.println(sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/licenses", sat.adminToken()).body());
            System.out.println(d.hello());
            System.out.println(d.renewSameKey("new.example.com"));
            System.out.println(d.deregister());
            System.out.println(d.hello());
            System.out.println(sat.get("/SmartTransport/crl", null).body());
        }
    }
}
