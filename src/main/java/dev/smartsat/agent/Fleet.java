package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.agent.DeviceState.Identity;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The load generator of SPEC §10: N in-memory devices, each registering and then reporting its usage, driven by C
 * worker threads over one shared HTTP client, its connections kept alive or new for every message. Keys and CSRs are made before the clock starts, and the
 * two kinds of request run as two timed phases so each gets its own throughput.
 */
public final class Fleet {
    /**
     * What to run; {@code serialPrefix} keeps the UDIs of one run apart from every other run's, {@code connections}
     * says whether the workers keep their connections alive or every message opens one of its own.
     */
    public record Settings(URI url, String token, int devices, int concurrency, List<Entitlement> entitlements,
                           String pid, String serialPrefix, int retries, AgentHttpClient.Connections connections) {
        public Settings {
            if (devices < 1) {
                throw new IllegalArgumentException("--devices must be 1 or more");
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("--concurrency must be 1 or more");
            }
            if (!serialPrefix.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
                throw new IllegalArgumentException("a serial number prefix is letters and digits only");
            }
            entitlements = List.copyOf(entitlements);
            Objects.requireNonNull(connections, "connections");
        }
    }

    private final Settings settings;
    private final AgentHttpClient http;
    private final TransportClient client;
    private final String softwareTag;

    // Devices as parallel arrays: one slot per device, written by exactly one worker, no per-device objects.
    private final Identity[] identities;
    private final KeyPair[] keys;
    private final String[] csrs;
    private final String[] productInstanceIds;
    private final String[] keyIds;
    private final long[] registerNanos;
    private final long[] authorizeNanos;
    // When each device next renews its ID certificate and next reports its usage, by the satellite's clock.
    private final long[] nextRenewal;
    private final long[] nextAuthorization;
    // Whether each device's last authorization answer said OUT_OF_COMPLIANCE (issue 13: the fleet says so).
    private final boolean[] outOfCompliance;

    private final LongAdder registered = new LongAdder();
    private final LongAdder authorized = new LongAdder();
    private final Map<String, LongAdder> registerFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> authorizeFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> authorizationStatuses = new ConcurrentHashMap<>();
    // Each reported tag the satellite did not authorize, with the status it gave instead.
    private final Map<String, String> unauthorizedTags = new ConcurrentHashMap<>();
    private volatile String virtualAccount;

    // Read by the progress bar.
    private volatile String phase = "prepare";
    private final AtomicInteger completed = new AtomicInteger();

    public Fleet(Settings settings, X509Certificate root, Clock clock) {
        this.settings = settings;
        this.http = TransportClient.httpClient(root, settings.concurrency(), settings.connections());
        this.client = new TransportClient(http, settings.url(), root, new DeviceClock(clock, 0), settings.retries());
        this.softwareTag = Requests.defaultSoftwareTag(settings.pid());
        int n = settings.devices();
        identities = new Identity[n];
        keys = new KeyPair[n];
        csrs = new String[n];
        productInstanceIds = new String[n];
        keyIds = new String[n];
        registerNanos = new long[n];
        authorizeNanos = new long[n];
        nextRenewal = new long[n];
        nextAuthorization = new long[n];
        outOfCompliance = new boolean[n];
        Arrays.fill(registerNanos, -1);
        Arrays.fill(authorizeNanos, -1);
    }

    public String phase() {
        return phase;
    }

    /** Devices finished in the current phase. */
    public int completed() {
        return completed.get();
    }

    public int devices() {
        return settings.devices();
    }

    /**
     * Runs the fleet: prepare (keys and CSRs, on every core), fetch and check the satellite's trust, register all,
     * authorize all that registered.
     *
     * @throws TransportException when the satellite's trust bundle cannot be fetched or checked (nothing was sent)
     */
    public FleetReport run() throws TransportException, InterruptedException {
        long prepareStart = System.nanoTime();
        IntStream.range(0, settings.devices()).parallel().forEach(this::prepare);
        double prepareSeconds = seconds(System.nanoTime() - prepareStart);

        client.trust();
        long requestsBefore = http.requests();
        long handshakesBefore = http.handshakes();

        phase = "register";
        completed.set(0);
        long registerStart = System.nanoTime();
        runPhase(this::register);
        double registerSeconds = seconds(System.nanoTime() - registerStart);

        phase = "authorize";
        completed.set(0);
        long authorizeStart = System.nanoTime();
        runPhase(this::authorize);
        double authorizeSeconds = seconds(System.nanoTime() - authorizeStart);
        phase = "done";
        FleetReport.ConnectionUse connections = new FleetReport.ConnectionUse(settings.connections(),
                http.requests() - requestsBefore, http.handshakes() - handshakesBefore);

        return new FleetReport(settings.devices(), settings.concurrency(), registered.sum(), authorized.sum(),
                prepareSeconds, registerSeconds, authorizeSeconds, Percentiles.ofNanos(registerNanos),
                Percentiles.ofNanos(authorizeNanos), totals(registerFailures), totals(authorizeFailures),
                totals(authorizationStatuses), null, null, outOfCompliance(), connections);
    }

    /** The devices whose last authorization answer said OUT_OF_COMPLIANCE, of all that have one. */
    public FleetReport.OutOfCompliance outOfCompliance() {
        long answered = 0;
        long out = 0;
        for (int i = 0; i < outOfCompliance.length; i++) {
            if (nextAuthorization[i] != 0) {
                answered++;
                out += outOfCompliance[i] ? 1 : 0;
            }
        }
        return new FleetReport.OutOfCompliance(out, answered, virtualAccount, new TreeMap<>(unauthorizedTags));
    }

    private void prepare(int i) {
        String serial = settings.serialPrefix() + String.format("%07d", i);
        identities[i] = new Identity(settings.pid(), serial, UUID.randomUUID().toString());
        keys[i] = DeviceKeys.generate();
        csrs[i] = DeviceKeys.csrPem(keys[i], settings.pid(), serial);
        completed.incrementAndGet();
    }

    private void register(int i) {
        long start = System.nanoTime();
        try {
            Answer answer = client.send(keys[i].getPrivate(), "csr", (timestamp, nonce) -> Requests.register(
                    identities[i], timestamp, nonce, settings.token(), csrs[i], softwareTag,
                    "fleet-" + identities[i].serial().toLowerCase(), false));
            if (answer.ok()) {
                X509Certificate idCert = client.trust().verifyIdCertificate(answer.text("id_cert"),
                        caChain(answer), keys[i].getPublic(), client.clock().now());
                productInstanceIds[i] = answer.text("product_instance_identifier");
                keyIds[i] = idCert.getSerialNumber().toString(16);
                nextRenewal[i] = answer.instant("next_renewal_attempt").toEpochMilli();
                if (virtualAccount == null) {
                    virtualAccount = answer.text("virtual_account"); // one token, one virtual account
                }
                registered.increment();
            } else {
                count(registerFailures, answer.code());
            }
        } catch (TransportException e) {
            count(registerFailures, e.kind().name());
        }
        registerNanos[i] = System.nanoTime() - start;
        csrs[i] = null; // done with it; lets a large fleet's CSRs be collected before the next phase
    }

    private void authorize(int i) {
        if (productInstanceIds[i] == null) {
            return;
        }
        long start = System.nanoTime();
        Answer answer = reportUsage(i, authorizeFailures);
        if (answer != null) {
            authorized.increment();
            count(authorizationStatuses, String.valueOf(answer.text("authorization_status")));
        }
        authorizeNanos[i] = System.nanoTime() - start;
    }

    /**
     * Replays {@code days} simulated days after {@link #run}: each day the satellite's clock moves on one day, and
     * every device whose ID certificate renewal or usage report is due by then sends RENEW_ID_CERT or AUTH_REQUEST,
     * as a product does on its timers (SPEC §10, {@code --days}).
     */
    public ReplayReport replay(int days, SatelliteClock satellite) throws TransportException, InterruptedException {
        phase = "replay";
        Map<String, LongAdder> renewFailures = new ConcurrentHashMap<>();
        Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();
        LongAdder renewals = new LongAdder();
        LongAdder authorizations = new LongAdder();
        long[] renewNanos = new long[settings.devices()];
        long[] authNanos = new long[settings.devices()];
        List<Long> renewSamples = new ArrayList<>();
        List<Long> authSamples = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        long start = System.nanoTime();
        for (int day = 1; day <= days; day++) {
            Instant now = satellite.advance(Duration.ofDays(1));
            client.clock().learn(now);
            from = from == null ? now : from;
            to = now;
            long nowMillis = now.toEpochMilli();
            Arrays.fill(renewNanos, -1);
            Arrays.fill(authNanos, -1);
            completed.set(0);
            runPhase(i -> {
                if (productInstanceIds[i] == null) {
                    return;
                }
                if (nextRenewal[i] <= nowMillis) {
                    long t = System.nanoTime();
                    if (renew(i, renewFailures)) {
                        renewals.increment();
                    }
                    renewNanos[i] = System.nanoTime() - t;
                }
                if (nextAuthorization[i] <= nowMillis) {
                    long t = System.nanoTime();
                    if (reportUsage(i, authFailures) != null) {
                        authorizations.increment();
                    }
                    authNanos[i] = System.nanoTime() - t;
                }
            });
            for (int i = 0; i < renewNanos.length; i++) {
                if (renewNanos[i] >= 0) {
                    renewSamples.add(renewNanos[i]);
                }
                if (authNanos[i] >= 0) {
                    authSamples.add(authNanos[i]);
                }
            }
        }
        phase = "done";
        return new ReplayReport(days, from, to, renewals.sum(), authorizations.sum(), totals(renewFailures),
                totals(authFailures), seconds(System.nanoTime() - start),
                Percentiles.ofNanos(renewSamples.stream().mapToLong(Long::longValue).toArray()),
                Percentiles.ofNanos(authSamples.stream().mapToLong(Long::longValue).toArray()));
    }

    private boolean renew(int i, Map<String, LongAdder> failures) {
        try {
            String csr = DeviceKeys.csrPem(keys[i], settings.pid(), identities[i].serial());
            Answer answer = client.send(keys[i].getPrivate(), keyIds[i], (timestamp, nonce) -> Requests.renewIdCert(
                    identities[i], productInstanceIds[i], timestamp, nonce, csr, null));
            if (!answer.ok()) {
                count(failures, answer.code());
                return false;
            }
            X509Certificate idCert = client.trust().verifyIdCertificate(answer.text("id_cert"), null,
                    keys[i].getPublic(), client.clock().now());
            keyIds[i] = idCert.getSerialNumber().toString(16);
            nextRenewal[i] = answer.instant("next_renewal_attempt").toEpochMilli();
            return true;
        } catch (TransportException e) {
            count(failures, e.kind().name());
            return false;
        }
    }

    /** One AUTH_REQUEST of device {@code i}: the OK answer (its next report then falls due), or null, counted. */
    private Answer reportUsage(int i, Map<String, LongAdder> failures) {
        try {
            Answer answer = client.send(keys[i].getPrivate(), keyIds[i], (timestamp, nonce) -> Requests.authRequest(
                    identities[i], productInstanceIds[i], timestamp, nonce, settings.entitlements()));
            if (!answer.ok()) {
                count(failures, answer.code());
                return null;
            }
            nextAuthorization[i] = answer.instant("next_communication_attempt").toEpochMilli();
            outOfCompliance[i] = "OUT_OF_COMPLIANCE".equals(answer.text("authorization_status"));
            if (outOfCompliance[i]) {
                for (JsonNode e : answer.field("entitlements")) {
                    String status = e.path("status").asText("");
                    if (!status.equals("AUTHORIZED")) {
                        unauthorizedTags.putIfAbsent(e.path("tag").asText(), status);
                    }
                }
            }
            return answer;
        } catch (TransportException e) {
            count(failures, e.kind().name());
            return null;
        }
    }

    /** Hands device indexes to {@code concurrency} workers until none are left. */
    private void runPhase(IntConsumer step) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        int n = settings.devices();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < settings.concurrency(); w++) {
            Thread worker = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    step.accept(i);
                    completed.incrementAndGet();
                }
            }, "fleet-" + phase + "-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static List<String> caChain(Answer answer) {
        List<String> chain = new ArrayList<>(2);
        answer.field("ca_chain").forEach(node -> chain.add(node.asText()));
        return chain;
    }

    private static void count(Map<String, LongAdder> tally, String key) {
        tally.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> totals(Map<String, LongAdder> tally) {
        Map<String, Long> out = new TreeMap<>();
        tally.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
