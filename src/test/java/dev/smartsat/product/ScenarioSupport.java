package dev.smartsat.product;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the example scenarios against a real satellite, in this JVM, and reads the satellite's own view back. */
final class ScenarioSupport {
    static final Path EXAMPLES = Path.of("examples/scenarios");

    private ScenarioSupport() {
    }

    static ScenarioRunner.Options options(TestSatellite sat, Path stateFile) {
        return new ScenarioRunner.Options(sat.dir().resolve("certs/ca.pem"), sat.uri("/SmartTransport"), null,
                sat.dir().resolve("data/admin-credentials.json"), stateFile);
    }

    static Timeline run(TestSatellite sat, String example, ScenarioRunner.StepListener listener) throws Exception {
        return new ScenarioRunner(options(sat, null), listener).run(ScenarioParser.read(EXAMPLES.resolve(example)));
    }

    /** The satellite's in-use count of every tag of a virtual account ({@code GET …/licenses}). */
    static Map<String, Long> inUse(TestSatellite sat, String virtualAccount) {
        Map<String, Long> out = new HashMap<>();
        JsonNode licenses = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/" + virtualAccount
                + "/licenses?limit=1000", sat.adminToken()).json().get("licenses");
        licenses.forEach(l -> out.put(l.get("entitlementTag").asText(), l.get("inUse").asLong()));
        return out;
    }
}
