package dev.smartsat.server;

import static net.logstash.logback.argument.StructuredArguments.v;

import dev.smartsat.api.AdminCredentialsFile;
import dev.smartsat.api.ApiDocs;
import dev.smartsat.api.Json;
import dev.smartsat.api.Routes;
import dev.smartsat.auth.Clients;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.config.Catalog;
import dev.smartsat.console.ConsoleAssets;
import dev.smartsat.config.Settings;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.AlertMail;
import dev.smartsat.licensing.AlertMonitor;
import dev.smartsat.licensing.Alerts;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Compliance;
import dev.smartsat.licensing.Inventory;
import dev.smartsat.reservation.Devices;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.licensing.Registrations;
import dev.smartsat.licensing.Seeder;
import dev.smartsat.licensing.Tokens;
import dev.smartsat.mail.MailOutbox;
import dev.smartsat.pki.CryptoProviders;
import dev.smartsat.pki.Pki;
import dev.smartsat.reservation.Reservations;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import dev.smartsat.sim.SimulationRefresh;
import dev.smartsat.store.DataDirLock;
import dev.smartsat.store.DatabaseUnavailable;
import dev.smartsat.store.Store;
import dev.smartsat.sync.Sync;
import dev.smartsat.sync.UpstreamUsage;
import dev.smartsat.transport.CrlPublisher;
import dev.smartsat.transport.TransportHandler;
import dev.smartsat.transport.TransportResponses;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running SmartSat: PKI, store and the HTTPS server, assembled from settings. */
public final class SmartSatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmartSatServer.class);
    private static final Logger access = LoggerFactory.getLogger("smartsat.access");
    private static final int MAX_THREADS = 250;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Device messages and the passing of time reach the alerts on this tick: well within SPEC §12's 5 seconds. */
    private static final Duration ALERT_TICK = Duration.ofSeconds(2);

    private final Settings settings;
    private final SimulatedClock clock;
    private final DataDirLock lock;
    private final Pki pki;
    private final Store store;
    private final Javalin app;
    private final Registrations registrations;
    private final Clients clients;
    private final Faults faults;
    /** Brings the clock offset and faults other nodes set to this one (SPEC §10). */
    private final SimulationRefresh simulation;
    private final ScheduledExecutorService housekeeping;
    private final Sync sync;
    private final TransportHandler transport;
    private final AsyncBodies bodies;
    private final Metrics metrics;
    private final AlertMonitor alerts;
    /** Null unless alerts.smtp.host is set. */
    private final MailOutbox mail;

    private SmartSatServer(Settings settings, Clock wall, Map<String, String> env) {
        this.settings = settings;
        this.clock = new SimulatedClock(wall);
        Catalog catalog = Catalog.load(settings);
        StartChecks.run(settings);
        // Before the first key is read or the first handshake made; a required ACCP that cannot load stops here.
        CryptoProviders.use(settings.crypto().provider());
        this.lock = DataDirLock.acquire(settings.dataDir());
        Store opened = null;
        SimulationRefresh refreshing = null;
        try {
            this.store = opened = Store.open(settings.jdbcUrl(), settings.db().user(), settings.db().password(),
                    settings.db().busyTimeoutMs());
            CertsCheck.beforeLoading(store, settings.certsDir());
            this.pki = Pki.loadOrCreate(settings.certsDir(), settings.server().hostNames(), clock);
            CertsCheck.run(store, pki, settings.certsDir(), wall);
            this.faults = new Faults(store, settings.simulation().seed());
            ClockControl clockControl = new ClockControl(store, clock);
            // A node whose controls are off cannot show or clear injected faults, so it does not apply them either.
            this.simulation = refreshing = new SimulationRefresh(clockControl,
                    settings.simulation().enabled() ? faults : null).start(SimulationRefresh.PERIOD);
            Seeder.seedIfEmpty(store, settings.seed(), catalog, clock);
            this.clients = new Clients(store, clock, wall, Duration.ofSeconds(settings.auth().tokenTtlSeconds()),
                    settings.auth().bcryptCost());
            clients.bootstrap(env, AdminCredentialsFile.in(settings.dataDir()));
            Compliance compliance = new Compliance(catalog);
            this.registrations = new Registrations(store, clock, pki, compliance);
            // The upstream's pools also count what its satellites report using.
            Licenses.Usage usage = settings.isUpstream() ? new UpstreamUsage(compliance) : compliance;
            this.sync = Sync.start(settings, store, clock, pki, compliance, faults, catalog);
            var reservations = new Reservations(store, clock, catalog, compliance, pki.signingKey());
            var licenses = new Licenses(store, clock, usage);
            Settings.Smtp smtp = settings.alerts().smtp();
            this.mail = smtp.enabled() ? new MailOutbox(store, wall, smtp) : null;
            this.alerts = new AlertMonitor(store, clock, licenses, !settings.isUpstream(),
                    mail == null ? AlertMail.NONE : new AlertMail(smtp.to(), wall, mail::nudge));
            this.metrics = new Metrics(new Inventory(store, clock, licenses),
                    settings.isUpstream() ? null : sync.satellite(), alerts, mail);
            var services = new Routes.Services(new Accounts(store, clock), new Tokens(store, clock),
                    licenses, new Devices(store, clock, compliance, reservations),
                    reservations, new Events(store, clock), clients, clock, clockControl, faults,
                    settings.simulation().enabled(), settings.isUpstream(), settings.server().maxBodyBytes(), sync,
                    settings.sync().maxBytes(), new Alerts(store), alerts::nudge);
            this.transport = new TransportHandler(registrations, new TransportResponses(pki, clock), faults, clock,
                    settings.transport().effectiveConcurrency(), Duration.ofMillis(settings.transport().queueTimeoutMs()),
                    metrics);
            this.bodies = new AsyncBodies(this::bodyLimit, req -> !req.getRequestURI().startsWith(Routes.API)
                    || Routes.hasValidBearer(req.getHeader("Authorization"), clients),
                    settings.server().minBodyBytesPerSecond());
            var satellite = new Routes.Satellite(settings.role(), settings.mode(), version(), transport, pki,
                    new CrlPublisher(store, pki, clock), metrics::scrape);
            this.app = createApp(satellite, services);
            this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "smartsat-housekeeping");
                t.setDaemon(true);
                return t;
            });
            housekeeping.scheduleWithFixedDelay(this::purgeNonces, 1, 1, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            if (refreshing != null) {
                refreshing.close();
            }
            if (opened != null) {
                opened.close();
            }
            lock.close();
            throw e;
        }
    }

    /** Starts a server; {@code wall} is the wall clock bearer tokens expire on (tests may move it). */
    public static SmartSatServer start(Settings settings, Clock wall, Map<String, String> env) {
        SmartSatServer server = new SmartSatServer(settings, wall, env);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot listen on port " + settings.server().port() + ": "
                    + rootMessage(e), e);
        }
        server.sync.startSchedule();
        if (server.mail != null) {
            server.mail.start();
        }
        server.alerts.start(ALERT_TICK);
        log.info("SmartSat {} ({}, {}) listening on https://{}:{}", version(), settings.role(), settings.mode(),
                settings.server().bind(), server.port());
        log.info("{}", CryptoProviders.current().describe());
        if (!server.clock.offset().isZero()) {
            log.info("the simulated clock reads {}, {} from the wall clock; DELETE /backend/api/v1/sim/clock"
                    + " returns it to the wall clock", server.clock.instant(), server.clock.offset());
        }
        if (server.faults.active() && settings.simulation().enabled()) {
            log.info("injected faults are active (transport {}, upstream {}); POST /backend/api/v1/sim/faults"
                    + " with the body \\{} clears them", server.faults.transportRule(), server.faults.upstreamRule());
        }
        return server;
    }

    /**
     * Every request, once answered: its metrics, and one access-log line. A device message that succeeded, /health
     * and /metrics are logged at DEBUG: a busy satellite answers thousands a second, monitors poll, and a line
     * each would drown everything else (and serialise the request threads on the console); refusals and every
     * management call stay at INFO. In the JSON format the line's parts are fields of their own.
     */
    private void onAnswered(Context ctx, Float ms) {
        String route = routeOf(ctx);
        boolean deviceMessage = route.equals(Routes.TRANSPORT) && ctx.method() == HandlerType.POST;
        if (!deviceMessage) {
            // a device message is counted by its handler, which knows its type and result
            metrics.request(ctx.method().name(), route, ctx.statusCode(), (long) (ms * 1_000_000));
        }
        boolean routine = ctx.statusCode() < 300 && (ctx.path().startsWith(Routes.TRANSPORT) || Routes.isMonitoring(route));
        if (routine ? access.isDebugEnabled() : access.isInfoEnabled()) {
            Object[] line = {v("method", ctx.method().name()), v("path", Redaction.path(ctx.path())),
                v("status", ctx.statusCode()), v("ms", Math.round(ms)), v("client", Routes.principalOf(ctx))};
            if (routine) {
                access.debug("{} {} {} {}ms client={}", line);
            } else {
                access.info("{} {} {} {}ms client={}", line);
            }
        }
    }

    /** The route template the request matched, never its raw path: a label of the metrics. */
    private static String routeOf(Context ctx) {
        try {
            String template = ctx.endpointHandlerPath();
            return template == null || template.isEmpty() || template.equals("*") ? Metrics.UNMATCHED : template;
        } catch (IllegalStateException e) {
            return Metrics.UNMATCHED;
        }
    }

    /** Javalin on Jetty: TLS, threads, body reading and the access log, then the route table and its errors. */
    private Javalin createApp(Routes.Satellite satellite, Routes.Services services) {
        char[] password = randomPassword();
        var keyStore = pki.tlsKeyStore(password);
        long maxBody = settings.server().maxBodyBytes();
        Javalin javalin = Javalin.create(config -> {
            config.showJavalinBanner = false;
            // A known path with another method is a 405 naming the method (SPEC §4), not a 404.
            config.http.prefer405over404 = true;
            config.useVirtualThreads = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.maxRequestSize = maxBody;
            config.jetty.threadPool = threadPool();
            config.jetty.addConnector((server, httpConfig) -> Tls.connector(server, httpConfig, keyStore, password,
                    settings.server().bind(), settings.server().port()));
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrors());
                // Graceful stop (SPEC §13): Javalin's server counts requests in a StatisticsHandler, and Jetty
                // waits this long for those in flight before it closes the connections.
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
            });
            config.jetty.modifyServletContextHandler(handler -> {
                handler.setErrorHandler(new JsonErrors());
                handler.addFilter(new FilterHolder(bodies), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
            });
            config.requestLogger.http(this::onAnswered);
            config.staticFiles.add(ApiDocs::assets);
            ConsoleAssets.configure(config);
        });
        Routes.register(javalin, satellite, services);
        javalin.exception(ClientError.class, (e, ctx) -> renderError(ctx, e.status(), e.getMessage(), e.fieldErrors()));
        javalin.exception(HttpResponseException.class, (e, ctx) -> renderError(ctx, e.getStatus(),
                httpMessage(e, ctx), Map.of()));
        javalin.exception(DatabaseUnavailable.class, (e, ctx) -> {
            // SPEC §10: the database went away; the store reconnects by itself once it is back
            log.warn("{} {}: {}", ctx.method(), Redaction.path(ctx.path()), e.getMessage());
            ctx.header("Retry-After", "5");
            renderError(ctx, 503, e.getMessage() + "; try again shortly", Map.of());
        });
        javalin.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected error on {} {}", ctx.method(), Redaction.path(ctx.path()), e);
            renderError(ctx, 500, "internal error; the server log has the details", Map.of());
        });
        return javalin;
    }

    /** The largest body the route at {@code path} reads. */
    private long bodyLimit(String path) {
        return Routes.bodyLimit(path, settings.server().maxBodyBytes(), settings.sync().maxBytes());
    }

    /**
     * Jetty's workers. Bodies no longer hold one, but a burst of requests can still grow the pool; every idle
     * worker above the minimum leaves after a minute, not one per minute as Jetty's default allows.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
        pool.setName("smartsat-http");
        pool.setMaxEvictCount(MAX_THREADS);
        return pool;
    }

    private static String httpMessage(HttpResponseException e, Context ctx) {
        return switch (e.getStatus()) {
            case 404 -> "no such resource: " + ctx.method() + " " + ctx.path();
            case 405 -> ctx.method() + " is not allowed on " + ctx.path();
            case 413 -> "the request body is too large";
            default -> e.getMessage();
        };
    }

    static void renderError(Context ctx, int status, String message, Map<String, List<String>> fieldErrors) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ERROR");
        body.put("message", message);
        body.put("errors", fieldErrors);
        ctx.status(status).json(body);
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** Every route the server answers, with the access it declares: what the API description is held to. */
    public List<Endpoint> routes() {
        return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream().map(ParsedEndpoint::getEndpoint)
                .filter(e -> e.getMethod().isHttpMethod()).toList();
    }

    public SimulatedClock clock() {
        return clock;
    }

    public Pki pki() {
        return pki;
    }

    public Store store() {
        return store;
    }

    private void purgeNonces() {
        try {
            registrations.purgeNonces();
        } catch (RuntimeException e) {
            log.warn("purging expired nonces failed: {}", e.getMessage());
        }
    }

    /** {@code /SmartTransport}'s handler, whose admission tests observe. */
    public TransportHandler transport() {
        return transport;
    }

    /** Requests whose bodies are still arriving (SPEC §13 "Slow clients"): each holds a connection, no thread. */
    public int bodiesBeingRead() {
        return bodies.reading();
    }

    /** The alert evaluator, which tests drive directly. */
    public AlertMonitor alerts() {
        return alerts;
    }

    /** The alert e-mail outbox's sender; null unless alerts.smtp.host is set. */
    public MailOutbox mail() {
        return mail;
    }

    public Faults faults() {
        return faults;
    }

    /** The server's part in synchronization (SPEC §8). */
    public Sync sync() {
        return sync;
    }

    /** Requests being answered now; what a stop waits for. */
    public int requestsInFlight() {
        StatisticsHandler stats = app.jettyServer().server().getChildHandlerByClass(StatisticsHandler.class);
        return stats == null ? 0 : stats.getRequestsActive();
    }

    /**
     * Stops accepting connections, lets the requests in flight finish (up to {@link #STOP_TIMEOUT}), then closes
     * the database and the data-dir lock, and says so in one line (SPEC §13: SIGTERM and Ctrl-C end here).
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        boolean running = app.jettyServer().server().isStarted();
        int inFlight = running ? requestsInFlight() : 0;
        CacheHitRates.log(registrations, transport);
        sync.close();
        alerts.close();
        if (mail != null) {
            mail.close();  // before the store closes: a mail being handed over is deleted from the outbox first
        }
        housekeeping.shutdownNow();
        simulation.close();
        String drained = "the " + inFlight + " request(s) in flight finished";
        try {
            app.stop();
        } catch (RuntimeException e) {
            drained = "requests still in flight after " + STOP_TIMEOUT.toSeconds() + " s were cut off ("
                    + rootMessage(e) + ")";
        } finally {
            metrics.close();
            store.close();
            lock.close();
        }
        if (running) {
            log.info("SmartSat stopped: {}, database closed{}, in {} ms", drained,
                    store.shared() ? " (" + store.writeRetries() + " writes ran again after a conflict with another)" : "",
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
    }

    public static String version() {
        String v = SmartSatServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static char[] randomPassword() {
        char[] password = new char[24];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        return password;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
