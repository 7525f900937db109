package dev.smartsat.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a fleet run (SPEC §10): counts by outcome, throughput per kind of request and latency
 * percentiles, as a human summary or as the one JSON object of {@code --json}.
 *
 * @param registerSeconds   how long the registration phase took (registrationsPerSecond is over it)
 * @param authorizeSeconds  how long the authorization phase took (authorizationsPerSecond is over it)
 * @param registerFailures  failed registrations by message_code (or transport failure kind)
 * @param authorizeFailures failed authorizations by message_code (or transport failure kind)
 * @param authorizationStatuses OK authorizations by authorization_status
 * @param replay            the {@code --days} replay after the run, or null
 * @param warmup            the unmeasured {@code --warmup} run before this one, or null
 * @param outOfCompliance   the devices whose last authorization answer said OUT_OF_COMPLIANCE
 * @param connections       how the timed phases used connections, or null when not known
 */
public record FleetReport(int devices, int concurrency, long registered, long authorized, double prepareSeconds,
                          double registerSeconds, double authorizeSeconds, Percentiles registerLatency,
                          Percentiles authorizeLatency, Map<String, Long> registerFailures,
                          Map<String, Long> authorizeFailures, Map<String, Long> authorizationStatuses,
                          ReplayReport replay, FleetReport warmup, OutOfCompliance outOfCompliance,
                          ConnectionUse connections) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The connections of the timed phases: kept alive or new for every message, the requests sent (retries
     * included) and the TLS handshakes done, one per connection opened. With new connections the two are equal.
     */
    public record ConnectionUse(AgentHttpClient.Connections reuse, long requests, long handshakes) {}

    /**
     * Devices whose last authorization answer said OUT_OF_COMPLIANCE, of {@code answered} that have one: a fleet
     * larger than its virtual account's pools leaves that account out of compliance until the devices go.
     *
     * @param virtualAccount the token's virtual account, as the registration answers named it (null if none did)
     * @param tags           each reported tag that was not authorized, with the status given instead
     */
    public record OutOfCompliance(long devices, long answered, String virtualAccount, Map<String, String> tags) {
        public static final OutOfCompliance NONE = new OutOfCompliance(0, 0, null, Map.of());

        public OutOfCompliance {
            tags = Map.copyOf(tags);
        }

        /** Both runs' devices: a warm-up's stay registered in the same virtual account. */
        OutOfCompliance plus(OutOfCompliance other) {
            Map<String, String> both = new TreeMap<>(other.tags);
            both.putAll(tags);
            return new OutOfCompliance(devices + other.devices, answered + other.answered,
                    virtualAccount != null ? virtualAccount : other.virtualAccount, both);
        }

        /** One line for standard error, or null when every device is in compliance. */
        public String warning() {
            if (devices == 0) {
                return null;
            }
            String account = virtualAccount == null ? "the token's virtual account" : "virtual account " + virtualAccount;
            StringBuilder why = new StringBuilder();
            new TreeMap<>(tags).forEach((tag, status) -> why.append(why.length() == 0 ? "" : ", ").append(tag)
                    .append(' ').append(status.equals("OUT_OF_COMPLIANCE") ? "(pool exhausted)" : "(" + status + ")"));
            return String.format(Locale.ROOT, "warning: %,d of %,d devices are OUT_OF_COMPLIANCE in %s: %s. Their usage"
                    + " counts against %s until they are removed or deregistered; to leave a real account in"
                    + " compliance, run fleets with a token of a virtual account of their own, or on a fresh"
                    + " --data-dir.", devices, answered, account, why, virtualAccount == null ? "its pools"
                    : virtualAccount + "'s pools");
        }
    }

    /** A run without {@code --days}. */
    public FleetReport(int devices, int concurrency, long registered, long authorized, double prepareSeconds,
                       double registerSeconds, double authorizeSeconds, Percentiles registerLatency,
                       Percentiles authorizeLatency, Map<String, Long> registerFailures,
                       Map<String, Long> authorizeFailures, Map<String, Long> authorizationStatuses) {
        this(devices, concurrency, registered, authorized, prepareSeconds, registerSeconds, authorizeSeconds,
                registerLatency, authorizeLatency, registerFailures, authorizeFailures, authorizationStatuses, null, null,
                OutOfCompliance.NONE, null);
    }

    /** This report with a replay's, and its devices' compliance after it. */
    public FleetReport withReplay(ReplayReport replayed, OutOfCompliance after) {
        return new FleetReport(devices, concurrency, registered, authorized, prepareSeconds, registerSeconds,
                authorizeSeconds, registerLatency, authorizeLatency, registerFailures, authorizeFailures,
                authorizationStatuses, replayed, warmup, after, connections);
    }

    /** This report, measured after the unmeasured run {@code warmedUpBy}. */
    public FleetReport withWarmup(FleetReport warmedUpBy) {
        return new FleetReport(devices, concurrency, registered, authorized, prepareSeconds, registerSeconds,
                authorizeSeconds, registerLatency, authorizeLatency, registerFailures, authorizeFailures,
                authorizationStatuses, replay, warmedUpBy, outOfCompliance, connections);
    }

    /** This run's devices out of compliance, and the warm-up's. */
    public OutOfCompliance allOutOfCompliance() {
        return warmup == null ? outOfCompliance : outOfCompliance.plus(warmup.outOfCompliance);
    }

    /** Devices that did not get through both REGISTER and AUTH_REQUEST, plus failed requests of a replay. */
    public long failed() {
        return devices - authorized + (replay == null ? 0 : replay.failed());
    }

    /** Both timed phases (key generation before them is not counted). */
    public double seconds() {
        return registerSeconds + authorizeSeconds;
    }

    public double registrationsPerSecond() {
        return rate(registered, registerSeconds);
    }

    public double authorizationsPerSecond() {
        return rate(authorized, authorizeSeconds);
    }

    /** TLS handshakes per second over both timed phases. */
    public double handshakesPerSecond() {
        return connections == null ? 0 : rate(connections.handshakes(), seconds());
    }

    /**
     * Exactly the object of SPEC §10, keys in its order; then how the timed phases used connections
     * ({@code "connections"} "keep-alive" or "new", {@code "requests"}, {@code "tlsHandshakes"},
     * {@code "handshakesPerSecond"}), a {@code --days} run adds {@code "replay"}, a {@code --warmup} run
     * {@code "warmup"}, and devices left out of compliance (warm-up's included) {@code "outOfCompliance"}.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("devices", devices);
        root.put("concurrency", concurrency);
        root.put("registered", registered);
        root.put("authorized", authorized);
        root.put("failed", failed());
        root.put("seconds", round(seconds(), 3));
        root.put("registrationsPerSecond", round(registrationsPerSecond(), 1));
        root.put("authorizationsPerSecond", round(authorizationsPerSecond(), 1));
        ObjectNode latency = root.putObject("latencyMs");
        percentiles(latency.putObject("register"), registerLatency);
        percentiles(latency.putObject("authorize"), authorizeLatency);
        if (connections != null) {
            root.put("connections", connections.reuse().label());
            root.put("requests", connections.requests());
            root.put("tlsHandshakes", connections.handshakes());
            root.put("handshakesPerSecond", round(handshakesPerSecond(), 1));
        }
        if (replay != null) {
            replay.write(root.putObject("replay"));
        }
        if (warmup != null) {
            ObjectNode w = root.putObject("warmup");
            w.put("devices", warmup.devices);
            w.put("registered", warmup.registered);
            w.put("authorized", warmup.authorized);
            w.put("failed", warmup.failed());
            w.put("seconds", round(warmup.seconds(), 3));
            w.put("registrationsPerSecond", round(warmup.registrationsPerSecond(), 1));
            w.put("authorizationsPerSecond", round(warmup.authorizationsPerSecond(), 1));
        }
        OutOfCompliance all = allOutOfCompliance();
        if (all.devices() > 0) {
            ObjectNode o = root.putObject("outOfCompliance");
            o.put("devices", all.devices());
            o.put("of", all.answered());
            o.put("virtualAccount", all.virtualAccount());
            ObjectNode tags = o.putObject("tags");
            all.tags().forEach(tags::put);
        }
        return root.toString();
    }

    public List<String> summary() {
        List<String> out = new ArrayList<>();
        if (warmup != null) {
            out.add(String.format("Warm-up, not measured: %d devices, %d registered, %d authorized, %d failed in %.1f s"
                    + " (%.1f registrations/s, %.1f authorizations/s)", warmup.devices, warmup.registered,
                    warmup.authorized, warmup.failed(), warmup.seconds(), warmup.registrationsPerSecond(),
                    warmup.authorizationsPerSecond()));
        }
        out.add(String.format("Fleet: %d devices, concurrency %d (keys and CSRs prepared in %.1f s, not timed)",
                devices, concurrency, prepareSeconds));
        out.add(String.format("  registered   %8d of %d in %8.3f s  %10.1f registrations/s", registered, devices,
                registerSeconds, registrationsPerSecond()));
        out.add(String.format("  authorized   %8d of %d in %8.3f s  %10.1f authorizations/s", authorized, registered,
                authorizeSeconds, authorizationsPerSecond()));
        out.add(String.format("  failed       %8d", failed()));
        authorizationStatuses.forEach((status, n) -> out.add(String.format("    authorization_status %-20s %8d", status, n)));
        registerFailures.forEach((code, n) -> out.add(String.format("    register failed:  %-22s %8d", code, n)));
        authorizeFailures.forEach((code, n) -> out.add(String.format("    authorize failed: %-22s %8d", code, n)));
        out.add("  latency (ms)        p50        p95        p99");
        out.add(latencyLine("register", registerLatency));
        out.add(latencyLine("authorize", authorizeLatency));
        if (connections != null) {
            out.add(String.format("  connections  %s: %d TLS handshakes for %d requests (%.1f handshakes/s)",
                    connections.reuse().label(), connections.handshakes(), connections.requests(),
                    handshakesPerSecond()));
        }
        if (replay != null) {
            out.addAll(replay.summary());
        }
        return out;
    }

    static String latencyLine(String kind, Percentiles p) {
        if (p == null) {
            return String.format("    %-12s %10s", kind, "-");
        }
        return String.format("    %-12s %10.3f %10.3f %10.3f", kind, p.p50(), p.p95(), p.p99());
    }

    static void percentiles(ObjectNode node, Percentiles p) {
        if (p == null) {
            node.putNull("p50");
            node.putNull("p95");
            node.putNull("p99");
        } else {
            node.put("p50", p.p50());
            node.put("p95", p.p95());
            node.put("p99", p.p99());
        }
    }

    private static double rate(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
