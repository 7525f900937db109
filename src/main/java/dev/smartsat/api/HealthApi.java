package dev.smartsat.api;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health} (SPEC §1): readiness, and the satellite's time, which devices may set their clock by. */
final class HealthApi {
    private final String role;
    private final String mode;
    private final String version;
    private final Clock clock;

    HealthApi(String role, String mode, String version, Clock clock) {
        this.role = role;
        this.mode = mode;
        this.version = version;
        this.clock = clock;
    }

    void get(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("role", role);
        body.put("mode", mode);
        body.put("version", version);
        body.put("time", clock.instant());
        ctx.json(body);
    }
}
