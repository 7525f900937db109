package dev.smartsat.console;

import dev.smartsat.auth.Clients;
import dev.smartsat.auth.ConsoleSessions;
import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.Alerts;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.licensing.Tokens;
import dev.smartsat.clock.SimulatedClock;
import dev.smartsat.reservation.Devices;
import dev.smartsat.reservation.Reservations;
import dev.smartsat.sim.ClockControl;
import dev.smartsat.sim.Faults;
import dev.smartsat.sync.Sync;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The web console's handlers (SPEC §12): sign-in and sign-out, and the pages, each calling the same domain
 * services as the management API and rendering their answers, refusals included, as HTML. {@link
 * dev.smartsat.api.Routes} declares the routes.
 */
public final class Console {
    public static final String HOME = Pages.HOME;
    public static final String SIGN_IN = Pages.SIGN_IN;
    public static final String SIGN_OUT = HOME + "/sign-out";
    public static final String VIRTUAL_ACCOUNTS = HOME + "/accounts/{account}/virtual-accounts";
    static final String SESSION_COOKIE = Pages.SESSION_COOKIE;
    /** The sign-in form's own CSRF token, before there is a session to hold one (a double-submitted cookie). */
    static final String SIGN_IN_COOKIE = "smartsat_sign_in";
    private static final String CSRF_FIELD = "csrf";
    private static final String CSRF_HEADER = "X-CSRF-Token";
    private static final int MAX_LISTED = 1000;
    /** Everything a page loads comes from the satellite: the browser refuses anything else, inline code too. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final Accounts accounts;
    private final Pages pages;
    private final VirtualAccountPages virtualAccountPages;
    private final InstancePages instancePages;
    private final SatellitePages satellitePages;

    /**
     * The domain services the pages call, the same the management API calls; {@code maxBody} and
     * {@code syncMaxBytes} are the API's body limits, which the forms keep too.
     */
    public record Services(Accounts accounts, Clients clients, Alerts alerts, Tokens tokens, Licenses licenses,
                           Devices devices, Reservations reservations, Events events, Sync sync, SimulatedClock clock,
                           ClockControl clockControl, Faults faults, boolean simulationEnabled, long maxBody,
                           long syncMaxBytes) {}

    /** The services are only used by requests, so a route table can be listed without them. */
    public Console(Services s) {
        this.accounts = s.accounts();
        this.pages = new Pages(s.accounts(), s.alerts(), s.clients() == null ? null : s.clients().consoleSessions(),
                s.simulationEnabled());
        this.virtualAccountPages = new VirtualAccountPages(pages, s);
        this.instancePages = new InstancePages(pages, s);
        this.satellitePages = new SatellitePages(pages, s);
    }

    /** The console's pages and forms, each with its own URL. */
    public void routes(ConsoleRoutes r) {
        r.get("/", this::root);
        r.get(HOME, this::home);
        r.get(SIGN_IN, this::signInPage);
        r.post(SIGN_IN, this::signIn);
        r.post(SIGN_OUT, this::signOut);
        r.get(VIRTUAL_ACCOUNTS, this::virtualAccounts);
        r.post(VIRTUAL_ACCOUNTS, this::createVirtualAccount);
        r.get(ConsoleAssets.PICO, ConsoleAssets::pico);
        r.get(ConsoleAssets.HTMX, ConsoleAssets::htmx);
        r.get(ConsoleAssets.CONSOLE_CSS, ConsoleAssets::consoleCss);
        virtualAccountPages.routes(r);
        instancePages.routes(r);
        satellitePages.routes(r);
    }

    /**
     * Before every console request: a POST without its CSRF token (form field {@code csrf}, or the header htmx may
     * send) is refused 403 before anything else is looked at, so it changes nothing. The sign-in form's token
     * is the one in its cookie; every other form's is its session's.
     */
    public void checkCsrf(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        String given = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> csrfField(ctx));
        boolean valid;
        if (ctx.path().equals(SIGN_IN)) {
            String expected = ctx.cookie(SIGN_IN_COOKIE);
            valid = expected != null && !expected.isEmpty() && expected.equals(given);
        } else {
            valid = pages.session(ctx).map(s -> s.csrfMatches(given)).orElse(false);
        }
        if (!valid) {
            ctx.status(403);
            Pages.render(ctx, "message.jte", new Views.Message(null, "Refused", "The form was missing its security"
                    + " token, or it has expired. Reload the page and try again."));
            ctx.skipRemainingHandlers();
        }
    }

    /**
     * The form's CSRF field. An upload form (multipart) carries it in its action's query instead, so that it is
     * checked before a byte of the file is read; the access log writes no query.
     */
    private static String csrfField(Context ctx) {
        String type = ctx.contentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return ctx.queryParam(CSRF_FIELD);
        }
        return ctx.formParam(CSRF_FIELD);
    }

    /** {@code GET /}: the console, or its sign-in page for a browser that is not signed in. */
    public void root(Context ctx) {
        ctx.redirect(pages.session(ctx).isPresent() ? HOME : SIGN_IN, HttpStatus.SEE_OTHER);
    }

    public void signInPage(Context ctx) {
        if (pages.session(ctx).isPresent()) {
            ctx.redirect(HOME, HttpStatus.SEE_OTHER);
            return;
        }
        String csrf = ctx.cookie(SIGN_IN_COOKIE);
        if (csrf == null || csrf.isEmpty()) {
            csrf = ConsoleSessions.randomToken();
            setCookie(ctx, SIGN_IN_COOKIE, csrf, -1);
        }
        Pages.render(ctx, "sign-in.jte", new Views.SignIn(csrf, "", null));
    }

    /** Checks the pair as the token grant does; a wrong one shows the grant's error and sets no cookie. */
    public void signIn(Context ctx) {
        String clientId = Pages.field(ctx, "client_id");
        String secret = Optional.ofNullable(ctx.formParam("client_secret")).orElse("");
        ConsoleSessions.SignedIn signedIn;
        try {
            signedIn = pages.sessions().signIn(clientId, secret);
        } catch (ClientError e) {
            ctx.status(e.status());
            Pages.render(ctx, "sign-in.jte", new Views.SignIn(ctx.cookie(SIGN_IN_COOKIE), clientId, e.getMessage()));
            return;
        }
        setCookie(ctx, SESSION_COOKIE, signedIn.id(), pages.sessions().lifetime().toSeconds());
        setCookie(ctx, SIGN_IN_COOKIE, "", 0);
        ctx.redirect(HOME, HttpStatus.SEE_OTHER);
    }

    /** Ends the session on the server (its CSRF token was checked first) and forgets the cookie. */
    public void signOut(Context ctx) {
        pages.sessions().signOut(ctx.cookie(SESSION_COOKIE));
        setCookie(ctx, SESSION_COOKIE, "", 0);
        ctx.redirect(SIGN_IN, HttpStatus.SEE_OTHER);
    }

    /** The smart accounts, each linking its virtual accounts. */
    public void home(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        List<Views.AccountLink> links = accounts.accounts().stream()
                .map(t -> new Views.AccountLink(t.account().name(), Pages.virtualAccountsPath(t.account().name())))
                .toList();
        Pages.render(ctx, "home.jte", new Views.Home(pages.header(ctx, session.get()), links));
    }

    public void virtualAccounts(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        renderVirtualAccounts(ctx, session.get(), "", "", null);
    }

    /** New Virtual Account: the API's domain call, its refusal shown beside the form in the API's words. */
    public void createVirtualAccount(Context ctx) {
        Optional<Session> session = pages.writer(ctx, "create virtual accounts");
        if (session.isEmpty()) {
            return;
        }
        String account = ctx.pathParam("account");
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("");
        String description = Optional.ofNullable(ctx.formParam("description")).orElse("");
        try {
            // An empty description is none, as when the API's body leaves it out.
            accounts.create(account, name, description.isBlank() ? null : description);
        } catch (ClientError e) {
            ctx.status(e.status());
            renderVirtualAccounts(ctx, session.get(), name, description, e.getMessage());
            return;
        }
        ctx.redirect(Pages.virtualAccountsPath(account), HttpStatus.SEE_OTHER);
    }

    private void renderVirtualAccounts(Context ctx, Session session, String name, String description, String error) {
        String account = ctx.pathParam("account");
        pages.page(ctx, session, "virtual-accounts.jte", () -> new Views.VirtualAccounts(pages.header(ctx, session),
                account, Pages.virtualAccountsPath(account),
                accounts.virtualAccounts(account, MAX_LISTED, 0).virtualAccounts(), name, description, error));
    }

    /** The signed-in client of a console request, for the access log; null when there is none. */
    public static String clientOf(Context ctx) {
        return Pages.clientOf(ctx);
    }

    /**
     * A cookie the page's scripts cannot read, sent only over HTTPS and never with a request another site
     * starts; {@code maxAge} 0 deletes it, -1 keeps it for the browser's session.
     */
    private static void setCookie(Context ctx, String name, String value, long maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/" + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
                + "; HttpOnly; Secure; SameSite=Strict");
    }
}
