package dev.smartsat.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a fleet's {@code --days} replay did: the simulated days it covered (by the satellite's clock), the ID
 * certificate renewals and usage reports the devices' timers made, their failures and latency.
 */
public record ReplayReport(int days, Instant from, Instant to, long renewals, long authorizations,
                           Map<String, Long> renewFailures, Map<String, Long> authorizeFailures, double seconds,
                           Percentiles renewLatency, Percentiles authorizeLatency) {

    public long failed() {
        return renewFailures.values().stream().mapToLong(Long::longValue).sum()
                + authorizeFailures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The {@code "replay"} member of the fleet's JSON object. */
    void write(ObjectNode node) {
        node.put("days", days);
        node.put("from", from == null ? null : from.toString());
        node.put("to", to == null ? null : to.toString());
        node.put("renewals", renewals);
        node.put("authorizations", authorizations);
        node.put("failed", failed());
        node.put("seconds", Math.round(seconds * 1000) / 1000.0);
        ObjectNode latency = node.putObject("latencyMs");
        FleetReport.percentiles(latency.putObject("renew"), renewLatency);
        FleetReport.percentiles(latency.putObject("authorize"), authorizeLatency);
    }

    List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add(String.format("Replay: %d simulated days, satellite clock %s to %s, in %.1f s", days, from, to, seconds));
        out.add(String.format("  ID certificates renewed %8d", renewals));
        out.add(String.format("  usage reported again    %8d", authorizations));
        renewFailures.forEach((code, n) -> out.add(String.format("    renew failed:     %-22s %8d", code, n)));
        authorizeFailures.forEach((code, n) -> out.add(String.format("    authorize failed: %-22s %8d", code, n)));
        out.add(FleetReport.latencyLine("renew", renewLatency));
        out.add(FleetReport.latencyLine("authorize", authorizeLatency));
        return out;
    }
}
