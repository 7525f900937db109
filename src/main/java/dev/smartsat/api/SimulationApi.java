package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.core.ClientError;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Simulation controls (SPEC §9): read, set, advance or reset the server clock, and the fault rules. */
final class SimulationApi {
    private final SimulatedClock clock;
    private final ClockControl control;
    private final Faults faults;
    private final boolean enabled;
    private final long maxBody;

    SimulationApi(SimulatedClock clock, ClockControl control, Faults faults, boolean enabled, long maxBody) {
        this.clock = clock;
        this.control = control;
        this.faults = faults;
        this.enabled = enabled;
        this.maxBody = maxBody;
    }

    void getClock(Context ctx) {
        requireEnabled();
        ctx.json(clockBody());
    }

    void putClock(Context ctx) {
        requireEnabled();
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String now = Fields.string(body, "now").orElse(null);
        String advance = Fields.string(body, "advance").orElse(null);
        if ((now == null) == (advance == null)) {
            throw new ClientError.BadRequest("give exactly one of now (an ISO-8601 instant) or advance (a duration such as P31D)");
        }
        if (now != null) {
            control.set(now);
        } else {
            control.advance(advance);
        }
        ctx.json(clockBody());
    }

    /** Back to the wall clock (offset PT0S); answers like GET. */
    void deleteClock(Context ctx) {
        requireEnabled();
        control.reset();
        ctx.json(clockBody());
    }

    void getFaults(Context ctx) {
        requireEnabled();
        ctx.json(faultsBody());
    }

    /** {@code {"transport":{failRate,status,delayMs},"upstream":{…}}}; {@code {}} clears both. */
    void postFaults(Context ctx) {
        requireEnabled();
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        Fields.onlyKeys(body, "", List.of("transport", "upstream"));
        Faults.Rule transport = rule(body, "transport");
        Faults.Rule upstream = rule(body, "upstream");
        faults.set(transport, upstream);
        ctx.json(faultsBody());
    }

    private static Faults.Rule rule(ObjectNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Faults.Rule.NONE;
        }
        if (!node.isObject()) {
            throw new ClientError.BadRequest(name, name + " must be an object with failRate, status and delayMs");
        }
        Fields.onlyKeys(node, name + ".", List.of("failRate", "status", "delayMs"));
        JsonNode rate = node.get("failRate");
        double failRate = 0;
        if (rate != null && !rate.isNull()) {
            if (!rate.isNumber()) {
                throw Faults.Rule.failRateNotANumber(name);
            }
            failRate = rate.asDouble();
        }
        long status = Fields.nested(name + ".", () -> Fields.wholeNumber(node, "status").orElse(503L));
        long delay = Fields.nested(name + ".", () -> Fields.wholeNumber(node, "delayMs").orElse(0L));
        return Faults.Rule.checked(name, failRate, status, delay);
    }

    private Map<String, Object> faultsBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transport", faults.transportRule());
        body.put("upstream", faults.upstreamRule());
        return body;
    }

    private Map<String, Object> clockBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now", clock.instant());
        body.put("offset", clock.offset().toString());
        return body;
    }

    private void requireEnabled() {
        if (!enabled) {
            throw ClockControl.controlsOff();
        }
    }
}
