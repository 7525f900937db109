package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.core.ClientError;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Simulation controls (SPEC §9): read, set, advance or reset the server clock, and the fault rules. */
final class SimulationApi {
    /** The range the store's millisecond instants and every expiry computed from them can hold. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9000-01-01T00:00:00Z");

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
        Instant before = clock.instant();
        Instant target;
        Duration by = null;
        String field = now != null ? "now" : "advance";
        try {
            if (now != null) {
                target = Instant.parse(now);
            } else {
                by = Duration.parse(advance);
                target = before.plus(by);
            }
        } catch (DateTimeParseException e) {
            throw new ClientError.Unprocessable(field, now != null
                    ? "now must be an ISO-8601 instant such as 2027-01-01T00:00:00Z"
                    : "advance must be an ISO-8601 duration in days, hours, minutes or seconds, such as P31D or PT12H");
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw outOfRange(field);
        }
        if (target.isBefore(EARLIEST) || target.isAfter(LATEST)) {
            throw outOfRange(field);
        }
        if (by == null) {
            control.set(target);
        } else {
            control.advance(by);
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
                throw new ClientError.BadRequest(name + ".failRate", name + ".failRate must be a number from 0.0 to 1.0");
            }
            failRate = rate.asDouble();
            if (failRate < 0 || failRate > 1) {
                throw new ClientError.Unprocessable(name + ".failRate", name + ".failRate must be from 0.0 to 1.0");
            }
        }
        long status = Fields.nested(name + ".", () -> Fields.wholeNumber(node, "status").orElse(503L));
        if (status < 400 || status > 599) {
            throw new ClientError.Unprocessable(name + ".status", name + ".status must be an HTTP error status, 400 to 599");
        }
        long delay = Fields.nested(name + ".", () -> Fields.wholeNumber(node, "delayMs").orElse(0L));
        if (delay < 0 || delay > 60_000) {
            throw new ClientError.Unprocessable(name + ".delayMs", name + ".delayMs must be from 0 to 60000");
        }
        return new Faults.Rule(failRate, (int) status, delay);
    }

    private Map<String, Object> faultsBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transport", faults.transportRule());
        body.put("upstream", faults.upstreamRule());
        return body;
    }

    private static ClientError outOfRange(String field) {
        return new ClientError.Unprocessable(field, "the clock must stay between " + EARLIEST + " and " + LATEST);
    }

    private Map<String, Object> clockBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("now", clock.instant());
        body.put("offset", clock.offset().toString());
        return body;
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new ClientError.NotFound("simulation controls are off; set simulation.enabled: true to use them");
        }
    }
}
