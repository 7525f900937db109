package dev.smartsat.console;

import dev.smartsat.auth.Clients;
import dev.smartsat.auth.ConsoleSessions;
import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web console's handlers (SPEC §12): sign-in and sign-out, and the pages, each calling the same domain
 * services as the management API and rendering their answers, refusals included, as HTML. {@link
 * dev.smartsat.api.Routes} declares the routes.
 */
public final class Console {
    public static final String HOME = "/console";
    public static final String SIGN_IN = HOME + "/sign-in";
    public static final String SIGN_OUT = HOME + "/sign-out";
    public static final String VIRTUAL_ACCOUNTS = HOME + "/accounts/{account}/virtual-accounts";
    static final String SESSION_COOKIE = "smartsat_session";
    /** The sign-in form's own CSRF token, before there is a session to hold one (a double-submitted cookie). */
    static final String SIGN_IN_COOKIE = "smartsat_sign_in";
    private static final String CSRF_FIELD = "csrf";
    private static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String SESSION_ATTRIBUTE = "smartsat.console.session";
    private static final int MAX_LISTED = 1000;
    /** Everything a page loads comes from the satellite: the browser refuses anything else, inline code too. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final Accounts accounts;
    private final Clients clients;

    /** The services are only used by requests, so a route table can be listed without them. */
    public Console(Accounts accounts, Clients clients) {
        this.accounts = accounts;
        this.clients = clients;
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
        String given = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> ctx.formParam(CSRF_FIELD));
        boolean valid;
        if (ctx.path().equals(SIGN_IN)) {
            String expected = ctx.cookie(SIGN_IN_COOKIE);
            valid = expected != null && !expected.isEmpty() && expected.equals(given);
        } else {
            valid = session(ctx).map(s -> s.csrfMatches(given)).orElse(false);
        }
        if (!valid) {
            refuse(ctx, null, "Refused", "The form was missing its security token, or it has expired. Reload the"
                    + " page and try again.");
            ctx.skipRemainingHandlers();
        }
    }

    /** {@code GET /}: the console, or its sign-in page for a browser that is not signed in. */
    public void root(Context ctx) {
        ctx.redirect(session(ctx).isPresent() ? HOME : SIGN_IN, HttpStatus.SEE_OTHER);
    }

    public void signInPage(Context ctx) {
        if (session(ctx).isPresent()) {
            ctx.redirect(HOME, HttpStatus.SEE_OTHER);
            return;
        }
        String csrf = ctx.cookie(SIGN_IN_COOKIE);
        if (csrf == null || csrf.isEmpty()) {
            csrf = ConsoleSessions.randomToken();
            setCookie(ctx, SIGN_IN_COOKIE, csrf, -1);
        }
        ctx.render("sign-in.jte", Map.of("view", new Views.SignIn(csrf, "", null)));
    }

    /** Checks the pair as the token grant does; a wrong one shows the grant's error and sets no cookie. */
    public void signIn(Context ctx) {
        String clientId = Optional.ofNullable(ctx.formParam("client_id")).orElse("").strip();
        String secret = Optional.ofNullable(ctx.formParam("client_secret")).orElse("");
        ConsoleSessions.SignedIn signedIn;
        try {
            signedIn = sessions().signIn(clientId, secret);
        } catch (ClientError e) {
            ctx.status(e.status()).render("sign-in.jte",
                    Map.of("view", new Views.SignIn(ctx.cookie(SIGN_IN_COOKIE), clientId, e.getMessage())));
            return;
        }
        setCookie(ctx, SESSION_COOKIE, signedIn.id(), sessions().lifetime().toSeconds());
        setCookie(ctx, SIGN_IN_COOKIE, "", 0);
        ctx.redirect(HOME, HttpStatus.SEE_OTHER);
    }

    /** Ends the session on the server (its CSRF token was checked first) and forgets the cookie. */
    public void signOut(Context ctx) {
        sessions().signOut(ctx.cookie(SESSION_COOKIE));
        setCookie(ctx, SESSION_COOKIE, "", 0);
        ctx.redirect(SIGN_IN, HttpStatus.SEE_OTHER);
    }

    /** The smart accounts, each linking its virtual accounts. */
    public void home(Context ctx) {
        Optional<Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        List<Views.AccountLink> links = accounts.accounts().stream()
                .map(t -> new Views.AccountLink(t.account().name(), virtualAccountsPath(t.account().name())))
                .toList();
        ctx.render("home.jte", Map.of("view", new Views.Home(Views.Header.of(session.get()), links)));
    }

    public void virtualAccounts(Context ctx) {
        Optional<Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        renderVirtualAccounts(ctx, session.get(), "", "", null);
    }

    /** New Virtual Account: the API's domain call, its refusal shown beside the form in the API's words. */
    public void createVirtualAccount(Context ctx) {
        Optional<Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        if (!session.get().mayWrite()) {
            refuse(ctx, session.get(), "Not allowed", "role " + session.get().role().wireName()
                    + " may not create virtual accounts");
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
        ctx.redirect(virtualAccountsPath(account), HttpStatus.SEE_OTHER);
    }

    private void renderVirtualAccounts(Context ctx, Session session, String name, String description, String error) {
        String account = ctx.pathParam("account");
        List<VirtualAccount> list;
        try {
            list = accounts.virtualAccounts(account, MAX_LISTED, 0).virtualAccounts();
        } catch (ClientError.NotFound e) {
            ctx.status(404).render("message.jte", Map.of("view",
                    new Views.Message(Views.Header.of(session), "Not found", e.getMessage())));
            return;
        }
        ctx.render("virtual-accounts.jte", Map.of("view", new Views.VirtualAccounts(Views.Header.of(session),
                account, virtualAccountsPath(account), list, name, description, error)));
    }

    /** The session, or a redirect to the sign-in page (and empty) for a browser without one. */
    private Optional<Session> signedIn(Context ctx) {
        Optional<Session> session = session(ctx);
        if (session.isEmpty()) {
            ctx.redirect(SIGN_IN, HttpStatus.SEE_OTHER);
        }
        return session;
    }

    /** The request's session, looked up once per request (the CSRF check and the page both ask). */
    private Optional<Session> session(Context ctx) {
        Optional<Session> known = ctx.attribute(SESSION_ATTRIBUTE);
        if (known == null) {
            known = sessions().find(ctx.cookie(SESSION_COOKIE));
            ctx.attribute(SESSION_ATTRIBUTE, known);
        }
        return known;
    }

    /** The signed-in client of a console request, for the access log; null when there is none. */
    public static String clientOf(Context ctx) {
        Optional<Session> known = ctx.attribute(SESSION_ATTRIBUTE);
        return known == null ? null : known.map(Session::clientId).orElse(null);
    }

    private static void refuse(Context ctx, Session session, String title, String text) {
        ctx.status(403).render("message.jte", Map.of("view",
                new Views.Message(session == null ? null : Views.Header.of(session), title, text)));
    }

    /**
     * A cookie the page's scripts cannot read, sent only over HTTPS and never with a request another site
     * starts; {@code maxAge} 0 deletes it, -1 keeps it for the browser's session.
     */
    private static void setCookie(Context ctx, String name, String value, long maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/" + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
                + "; HttpOnly; Secure; SameSite=Strict");
    }

    static String virtualAccountsPath(String account) {
        return HOME + "/accounts/" + URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20")
                + "/virtual-accounts";
    }

    private ConsoleSessions sessions() {
        return clients.consoleSessions();
    }
}
