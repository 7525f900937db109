package dev.smartsat.server;

import dev.smartsat.core.AlertType;
import dev.smartsat.licensing.AlertMonitor;
import dev.smartsat.licensing.Inventory;
import dev.smartsat.mail.MailOutbox;
import dev.smartsat.store.InstanceDao;
import dev.smartsat.sync.SatelliteSync;
import dev.smartsat.transport.MessageType;
import dev.smartsat.transport.TransportHandler;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The metrics of SPEC §13 behind {@code GET /metrics}, in the Prometheus text format. Every label takes a
 * bounded set of values: message types and result codes, route templates (never a raw path) and statuses,
 * statuses of instances, virtual accounts and entitlement tags — never an instance, a serial or a token.
 */
public final class Metrics implements TransportHandler.Observer, AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** What requests that matched no route are counted under, so that random paths add no series. */
    static final String UNMATCHED = "unmatched";
    private static final String NO_TYPE = "UNKNOWN";
    /** Counting instances reads the whole table: scrapes closer together than this share one count. */
    private static final long COUNT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Per message type (the last slot for a request that did not parse), result code to its timer. */
    private final Map<String, Timer>[] transport;
    private final Map<String, Timer> management = new ConcurrentHashMap<>();
    private final Inventory inventory;
    private final MultiGauge instances;
    private final MultiGauge poolQuantity;
    private final MultiGauge poolInUse;
    private long countedAt;
    private boolean counted;

    @SuppressWarnings("unchecked")
    Metrics(Inventory inventory, SatelliteSync sync, AlertMonitor alerts, MailOutbox mail) {
        this.inventory = inventory;
        this.transport = new Map[MessageType.values().length + 1];
        for (int i = 0; i < transport.length; i++) {
            transport[i] = new ConcurrentHashMap<>();
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        instances = MultiGauge.builder("smartsat.product.instances")
                .description("Product instances by registration and authorization status").register(registry);
        poolQuantity = MultiGauge.builder("smartsat.license.pool.quantity")
                .description("Licenses a pool holds").register(registry);
        poolInUse = MultiGauge.builder("smartsat.license.pool.in.use")
                .description("Licenses of a pool that live devices use").register(registry);
        // One series per alert type, zero included, so a dashboard sees a type appear rather than a gap.
        for (AlertType type : AlertType.values()) {
            Gauge.builder("smartsat.alerts.active", alerts, a -> a.active(type)).tag("type", type.name())
                    .description("Active alerts, by type").register(registry);
        }
        if (mail != null) {
            Gauge.builder("smartsat.mail.outbox.pending", mail, MailOutbox::pending)
                    .description("Alert e-mails waiting for the mail server").register(registry);
        }
        if (sync != null) {
            FunctionCounter.builder("smartsat.sync.successes", sync, SatelliteSync::successes)
                    .description("Sync responses applied since the server started").register(registry);
            FunctionCounter.builder("smartsat.sync.failures", sync, SatelliteSync::failures)
                    .description("Syncs that failed since the server started").register(registry);
            Gauge.builder("smartsat.sync.last.success.timestamp", sync, Metrics::lastSuccess).baseUnit("seconds")
                    .description("When a sync last succeeded, in seconds since the epoch (NaN: never)")
                    .register(registry);
        }
    }

    @Override
    public void answered(MessageType type, String result, long nanos) {
        Map<String, Timer> byResult = transport[type == null ? transport.length - 1 : type.ordinal()];
        Timer timer = byResult.get(result);
        if (timer == null) {
            timer = byResult.computeIfAbsent(result, r -> timer("smartsat.transport.requests",
                    "Device messages answered on /SmartTransport", Tags.of("type", type == null ? NO_TYPE : type.name(),
                            "result", r)));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request outside the device transport: {@code route} is its route template, or {@link #UNMATCHED}. */
    void request(String method, String route, int status, long nanos) {
        String key = method + ' ' + status + ' ' + route;
        Timer timer = management.get(key);
        if (timer == null) {
            timer = management.computeIfAbsent(key, k -> timer("smartsat.http.requests",
                    "Management, health and metrics requests answered", Tags.of("method", method, "route", route,
                            "status", Integer.toString(status))));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code GET /metrics}. */
    void scrape(Context ctx) {
        countIfStale();
        ctx.contentType(CONTENT_TYPE).result(registry.scrape());
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private synchronized void countIfStale() {
        long now = System.nanoTime();
        if (counted && now - countedAt < COUNT_EVERY_NANOS) {
            return;
        }
        List<InstanceDao.StatusCount> counts = inventory.instancesByStatus();
        instances.register(counts.stream().map(c -> MultiGauge.Row.of(Tags.of("registration_status",
                c.registrationStatus(), "authorization_status", c.authorizationStatus()), c.count())).toList(), true);
        List<Inventory.Pool> pools = inventory.pools();
        poolQuantity.register(pools.stream().map(p -> MultiGauge.Row.of(poolTags(p), p.quantity())).toList(), true);
        poolInUse.register(pools.stream().map(p -> MultiGauge.Row.of(poolTags(p), p.inUse())).toList(), true);
        countedAt = now;
        counted = true;
    }

    private static Tags poolTags(Inventory.Pool p) {
        return Tags.of("account", p.account(), "virtual_account", p.virtualAccount(), "entitlement_tag", p.entitlementTag());
    }

    private static double lastSuccess(SatelliteSync sync) {
        Instant last = sync.state().lastSuccess();
        return last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
