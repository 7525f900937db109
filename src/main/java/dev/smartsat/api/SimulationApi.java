package dev.smartsat.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.licensing.ClientError;
import dev.smartsat.licensing.EventType;
import dev.smartsat.licensing.Events;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Simulation controls (SPEC §9): read, set or advance the server clock. */
final class SimulationApi {
    private final SimulatedClock clock;
    private final Events events;
    private final boolean enabled;
    private final long maxBody;

    SimulationApi(SimulatedClock clock, Events events, boolean enabled, long maxBody) {
        this.clock = clock;
        this.events = events;
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
        if (now != null) {
            try {
                clock.set(Instant.parse(now));
            } catch (DateTimeParseException e) {
                throw new ClientError.Unprocessable("now", "now must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
            }
        } else {
            Duration by;
            try {
                by = Duration.parse(advance);
            } catch (DateTimeParseException e) {
                throw new ClientError.Unprocessable("advance",
                        "advance must be an ISO-8601 duration in days, hours, minutes or seconds, such as P31D or PT12H");
            }
            clock.advance(by);
        }
        events.recordGlobal(EventType.CLOCK_CHANGED, "Server clock moved from " + before + " to " + clock.instant());
        ctx.json(clockBody());
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
