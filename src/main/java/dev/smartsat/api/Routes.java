package dev.smartsat.api;

import static dev.smartsat.api.Access.ADMIN;
import static dev.smartsat.api.Access.PUBLIC;
import static dev.smartsat.api.Access.READ;
import static dev.smartsat.api.Access.WRITE;

import dev.smartsat.auth.Clients;
import dev.smartsat.auth.Principal;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.console.Console;
import dev.smartsat.console.ConsoleRoutes;
import dev.smartsat.console.SyncPages;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.reservation.Devices;
import dev.smartsat.licensing.Alerts;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.licensing.Tokens;
import dev.smartsat.pki.Pki;
import dev.smartsat.reservation.Reservations;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import dev.smartsat.sync.Sync;
import dev.smartsat.transport.CrlPublisher;
import dev.smartsat.transport.TransportHandler;
import dev.smartsat.transport.TrustFiles;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Handler;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * The whole HTTP surface in one table: the checks every request passes first, then every route (the server's
 * health, the devices' /SmartTransport, the management API, the web console) with the access it needs.
 */
public final class Routes {
    public static final String API = "/backend/api/v1";
    public static final String TRANSPORT = "/SmartTransport";
    static final String HEALTH = "/health";
    static final String METRICS = "/metrics";
    static final String VA = API + "/accounts/{account}/virtual-accounts/{va}";
    static final String PRINCIPAL = "smartsat.principal";

    /** What the management routes are built from. */
    public record Services(Accounts accounts, Tokens tokens, Licenses licenses, Devices devices,
                           Reservations reservations, Events events, Clients clients, SimulatedClock clock,
                           ClockControl clockControl, Faults faults, boolean simulationEnabled, boolean upstream,
                           long maxBody, Sync sync, long syncMaxBytes, Alerts alerts, Runnable changed) {}

    /**
     * What the routes outside the management API are built from: /health's facts, the device transport, and
     * /metrics' handler (the server keeps the metrics).
     */
    public record Satellite(String role, String mode, String version, TransportHandler transport, Pki pki,
                            CrlPublisher crl, Handler metrics) {}

    private Routes() {}

    public static void register(Javalin app, Satellite sat, Services s) {
        var health = new HealthApi(sat.role(), sat.mode(), sat.version(), s.clock());
        var trust = new TrustFiles(sat.pki(), sat.crl());
        var transport = sat.transport();
        var accounts = new AccountsApi(s.accounts(), s.maxBody());
        var tokens = new TokensApi(s.tokens(), s.maxBody());
        var licenses = new LicensesApi(s.licenses(), s.maxBody(), s.upstream(), s.sync());
        var events = new EventsApi(s.events(), s.accounts());
        var alerts = new AlertsApi(s.alerts(), s.accounts());
        var devices = new DevicesApi(s.devices(), s.maxBody());
        var reservations = new ReservationsApi(s.reservations(), devices, s.maxBody());
        var reports = new ReportsApi(s.accounts(), s.licenses(), s.devices(), s.events(), s.clock());
        var clients = new ClientsApi(s.clients(), s.maxBody());
        var sync = new SyncApi(s.sync(), s.syncMaxBytes());
        var simulation = new SimulationApi(s.clock(), s.clockControl(), s.faults(), s.simulationEnabled(),
                s.maxBody());
        var docs = new ApiDocs(sat.version());
        var console = new Console(new Console.Services(s.accounts(), s.clients(), s.alerts(), s.tokens(), s.licenses(),
                s.devices(), s.reservations(), s.events(), s.sync(), s.clock(), s.clockControl(), s.faults(),
                s.simulationEnabled(), s.maxBody(), s.syncMaxBytes()));

        // Every request, matched or not: its URI must decode (SPEC §4), and a management body declared larger
        // than its route reads is refused unread. Then a matched route checks the caller's access.
        app.before(ctx -> StrictUri.check(ctx.req().getRequestURI(), ctx.queryString()));
        app.before("/backend/*", ctx -> Bodies.checkDeclaredLength(ctx, bodyLimit(ctx.path(), s.maxBody(), s.syncMaxBytes())));
        app.beforeMatched(ctx -> authorize(ctx, s.clients()));
        // A management write may start or end an alert's condition (a transfer, a removal, a sync, the clock):
        // ask for an evaluation now rather than at the next tick. Device messages are left to the tick.
        app.after(API + "/*", ctx -> {
            if (s.changed() != null && ctx.method() != HandlerType.GET && ctx.statusCode() < 300) {
                s.changed().run();
            }
        });

        app.get(HEALTH, health::get, PUBLIC);
        // Any role may read the metrics; a monitor gets a viewer client of its own.
        app.get(METRICS, sat.metrics(), READ);

        // Devices (SPEC §2, §3): what to trust, and the signed messages, which carry their own authentication.
        app.get("/SmartTransport/trust", trust::bundle, PUBLIC);
        app.get("/SmartTransport/crl", trust::crl, PUBLIC);
        app.post(TRANSPORT, transport::handle, PUBLIC);

        app.post("/backend/oauth/token", clients::token, PUBLIC);

        // The API description (SPEC §13), readable without a token, and its browsable view.
        app.get(ApiDocs.DOCUMENT, docs::document, PUBLIC);
        app.get(ApiDocs.PAGE, docs::page, PUBLIC);
        app.get(ApiDocs.PAGE_SCRIPT, docs::script, PUBLIC);

        // The web console (SPEC §12). PUBLIC as far as bearer tokens go: its pages check their own session cookie,
        // and every POST its CSRF token, before anything else.
        app.before(Console.HOME + "/*", console::checkCsrf);
        // A console write may start or end an alert's condition, as an API write may.
        app.after(Console.HOME + "/*", ctx -> {
            if (s.changed() != null && ctx.method() == HandlerType.POST && ctx.statusCode() < 400) {
                s.changed().run();
            }
        });
        ConsoleRoutes consoleRoutes = new ConsoleRoutes() {
            @Override
            public void get(String path, Handler handler) {
                app.get(path, handler, PUBLIC);
            }

            @Override
            public void post(String path, Handler handler) {
                app.post(path, handler, PUBLIC);
            }
        };
        console.routes(consoleRoutes);

        app.get(API + "/accounts", accounts::listAccounts, READ);
        app.get(API + "/accounts/{account}/virtual-accounts", accounts::listVirtualAccounts, READ);
        app.post(API + "/accounts/{account}/virtual-accounts", accounts::createVirtualAccount, WRITE);
        app.get(VA, accounts::getVirtualAccount, READ);
        app.patch(VA, accounts::updateVirtualAccount, WRITE);
        app.delete(VA, accounts::deleteVirtualAccount, WRITE);

        app.get(VA + "/tokens", tokens::list, READ);
        app.post(VA + "/tokens", tokens::create, WRITE);
        app.post(VA + "/tokens/{token}/revoke", tokens::revoke, WRITE);
        app.delete(VA + "/tokens/{token}", tokens::remove, WRITE);

        app.get(VA + "/licenses", licenses::list, READ);
        app.post(VA + "/licenses", licenses::purchase, WRITE);
        app.post(VA + "/licenses/transfer", licenses::transfer, WRITE);
        app.post(API + "/accounts/{account}/licenses", licenses::search, WRITE);

        app.get(VA + "/devices", devices::list, READ);
        app.get(VA + "/devices/{piid}", devices::get, READ);
        app.post(VA + "/devices/{piid}/transfer", devices::transfer, WRITE);
        app.delete(VA + "/devices/{piid}", devices::remove, WRITE);

        app.post(VA + "/reserve-licenses", reservations::reserve, WRITE);
        app.post(VA + "/devices/{piid}/reservation", reservations::update, WRITE);
        app.post(VA + "/devices/{piid}/reservation/confirm", reservations::confirm, WRITE);
        app.post(VA + "/devices/{piid}/remove", reservations::remove, WRITE);

        app.get(API + "/accounts/{account}/events", events::accountEvents, READ);
        app.get(API + "/events", events::allEvents, ADMIN);
        app.get(API + "/accounts/{account}/reports/{kind}", reports::report, READ);
        app.get(API + "/accounts/{account}/alerts", alerts::accountAlerts, READ);

        app.get(API + "/sync", sync::status, READ);
        app.post(API + "/sync/now", sync::now, WRITE);
        app.get(API + "/sync/request-file", sync::requestFile, WRITE);
        app.post(API + "/sync/response-file", sync::responseFile, WRITE);
        app.post(API + "/satellite/sync", sync::process, WRITE);
        app.get(API + "/satellites", sync::satellites, READ);
        app.get(API + "/satellites/{satelliteId}/instances", sync::instances, READ);

        app.post(API + "/clients", clients::create, ADMIN);
        app.get(API + "/clients", clients::list, ADMIN);
        app.delete(API + "/clients/{id}", clients::remove, ADMIN);

        app.get(API + "/sim/clock", simulation::getClock, ADMIN);
        app.put(API + "/sim/clock", simulation::putClock, ADMIN);
        app.delete(API + "/sim/clock", simulation::deleteClock, ADMIN);
        app.get(API + "/sim/faults", simulation::getFaults, ADMIN);
        app.post(API + "/sim/faults", simulation::postFaults, ADMIN);
    }

    /** The routes monitors poll: their answers are not worth a log line each. */
    public static boolean isMonitoring(String route) {
        return route.equals(HEALTH) || route.equals(METRICS);
    }

    /**
     * The largest body a route reads: a device message has its own limit, a management body
     * {@code server.max_body_bytes}, and a sync file {@code sync.max_bytes} (SPEC §4, §8).
     */
    public static long bodyLimit(String path, long maxBody, long syncMaxBytes) {
        if (path.startsWith(TRANSPORT)) {
            return TransportHandler.MAX_BODY;
        }
        return isSyncUpload(path) ? syncMaxBytes : maxBody;
    }

    /**
     * The routes whose bodies are sync files, the console's upload among them: read as streams, possibly spooled
     * to disk on their way in.
     */
    public static boolean isSyncUpload(String path) {
        return path.equals(API + "/sync/response-file") || path.equals(API + "/satellite/sync")
                || path.equals(SyncPages.RESPONSE_FILE);
    }

    /** Checks the bearer token and the role a matched route declares, before its handler runs. */
    private static void authorize(Context ctx, Clients clients) {
        Set<RouteRole> roles = ctx.routeRoles();
        // Fail closed: a management route registered without an access level needs admin.
        Access access = roles.isEmpty() ? (ctx.path().startsWith(API) ? ADMIN : PUBLIC) : (Access) roles.iterator().next();
        if (access == PUBLIC) {
            return;
        }
        String bearer = bearer(ctx.header("Authorization"));
        if (bearer == null) {
            throw new ClientError.Unauthorized("send Authorization: Bearer <token>; get a token from /backend/oauth/token");
        }
        Principal principal = clients.authenticate(bearer);
        if (!access.allows(principal.role())) {
            throw new ClientError.Forbidden("role " + principal.role().wireName() + " may not " + ctx.method()
                    + " " + ctx.path());
        }
        ctx.attribute(PRINCIPAL, principal);
    }

    /**
     * Whether an Authorization header holds a valid bearer token of any role: a management body is held in
     * memory only for a caller who may send one; the route still checks the role.
     */
    public static boolean hasValidBearer(String authorization, Clients clients) {
        String bearer = bearer(authorization);
        if (bearer == null) {
            return false;
        }
        try {
            clients.authenticate(bearer);
            return true;
        } catch (ClientError.Unauthorized e) {
            return false;
        }
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return null;
        }
        return header.substring(7).strip();
    }

    /** The client making the request, by its bearer token or its console session, for the access log. */
    public static String principalOf(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p != null) {
            return p.clientId();
        }
        String consoleClient = Console.clientOf(ctx);
        return consoleClient == null ? "-" : consoleClient;
    }
}
