package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions;
import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.auth.Role;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.Alerts;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every page of the console shares: the request's session, the header it shows (who is signed in, the
 * navigation, the count of active alerts), the refusals, the page paths, and rendering.
 */
final class Pages {
    static final String HOME = "/console";
    static final String SIGN_IN = HOME + "/sign-in";
    private static final String SESSION_ATTRIBUTE = "smartsat.console.session";
    static final String SESSION_COOKIE = "smartsat_session";

    private final Accounts accounts;
    private final Alerts alerts;
    private final ConsoleSessions sessions;
    private final boolean simulationEnabled;

    Pages(Accounts accounts, Alerts alerts, ConsoleSessions sessions, boolean simulationEnabled) {
        this.accounts = accounts;
        this.alerts = alerts;
        this.sessions = sessions;
        this.simulationEnabled = simulationEnabled;
    }

    ConsoleSessions sessions() {
        return sessions;
    }

    boolean simulationEnabled() {
        return simulationEnabled;
    }

    /** The request's session, looked up once per request (the CSRF check and the page both ask). */
    Optional<Session> session(Context ctx) {
        Optional<Session> known = ctx.attribute(SESSION_ATTRIBUTE);
        if (known == null) {
            known = sessions.find(ctx.cookie(SESSION_COOKIE));
            ctx.attribute(SESSION_ATTRIBUTE, known);
        }
        return known;
    }

    /** The signed-in client of a console request, for the access log; null when there is none. */
    static String clientOf(Context ctx) {
        Optional<Session> known = ctx.attribute(SESSION_ATTRIBUTE);
        return known == null ? null : known.map(Session::clientId).orElse(null);
    }

    /** The session, or a redirect to the sign-in page (and empty) for a browser without one. */
    Optional<Session> signedIn(Context ctx) {
        Optional<Session> session = session(ctx);
        if (session.isEmpty()) {
            ctx.redirect(SIGN_IN, HttpStatus.SEE_OTHER);
        }
        return session;
    }

    /**
     * The session of a request that changes state, or empty once the request was answered: a redirect to sign in,
     * or 403 for a viewer (who sees no such control, but may post anyway) — with {@code what} naming the change.
     */
    Optional<Session> writer(Context ctx, String what) {
        Optional<Session> session = signedIn(ctx);
        if (session.isPresent() && !session.get().mayWrite()) {
            refuse(ctx, session.get(), "role " + session.get().role().wireName() + " may not " + what);
            return Optional.empty();
        }
        return session;
    }

    /** As {@link #writer}, for what only an admin may do or see (API clients, simulation controls). */
    Optional<Session> admin(Context ctx, String what) {
        Optional<Session> session = signedIn(ctx);
        if (session.isPresent() && session.get().role() != Role.ADMIN) {
            refuse(ctx, session.get(), "role " + session.get().role().wireName() + " may not " + what);
            return Optional.empty();
        }
        return session;
    }

    /**
     * The header of a page for this session. The account its navigation names is the page's own, or the
     * satellite's only one; the alert count is that account's active alerts.
     */
    Views.Header header(Context ctx, Session s) {
        String account = ctx.pathParamMap().get("account");
        if (account == null) {
            var all = accounts.accounts();
            account = all.size() == 1 ? all.get(0).account().name() : null;
        }
        long activeAlerts = 0;
        if (account != null) {
            try {
                activeAlerts = alerts.find(new Alerts.Filter(accounts.account(account), null, null, true), 1, 0)
                        .totalRecords();
            } catch (ClientError.NotFound e) {
                account = null;
            }
        }
        return new Views.Header(s.clientId(), s.role().wireName(), s.csrfToken(), s.mayWrite(),
                s.role() == Role.ADMIN, simulationEnabled && s.role() == Role.ADMIN, account,
                account == null ? null : accountPath(account), activeAlerts);
    }

    /** Renders {@code template} with {@code view} as its one parameter. */
    static void render(Context ctx, String template, Object view) {
        ctx.render(template, Map.of("view", view));
    }

    /** 403 with a page saying why; nothing was changed. */
    void refuse(Context ctx, Session session, String text) {
        ctx.status(403);
        render(ctx, "message.jte", new Views.Message(session == null ? null : header(ctx, session), "Not allowed", text));
    }

    /** A page that says what went wrong (a thing not found, say), with the domain's status and words. */
    void message(Context ctx, Session session, ClientError e, String title) {
        ctx.status(e.status());
        render(ctx, "message.jte", new Views.Message(header(ctx, session), title, e.getMessage()));
    }

    /**
     * Renders a page from what {@code build} reads, or, when the domain refuses (an unknown account, virtual
     * account or instance), a page with its status and words instead.
     */
    <T> void page(Context ctx, Session session, String template, Supplier<T> build) {
        T view;
        try {
            view = build.get();
        } catch (ClientError e) {
            message(ctx, session, e, "Not found");
            return;
        }
        render(ctx, template, view);
    }

    /** A path segment, percent-encoded as a browser would send it back. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code /console/accounts/{account}}: the smart account's pages sit below it. */
    static String accountPath(String account) {
        return HOME + "/accounts/" + encode(account);
    }

    static String virtualAccountsPath(String account) {
        return accountPath(account) + "/virtual-accounts";
    }

    /** A virtual account's tab: {@code general}, {@code licenses}, {@code instances} or {@code events}. */
    static String tabPath(String account, String virtualAccount, String tab) {
        return virtualAccountsPath(account) + "/" + encode(virtualAccount) + "/" + tab;
    }

    /** The tabs of a virtual account, in the order SPEC §12 names them, with the one shown. */
    static List<Views.Tab> tabs(String account, String virtualAccount, String current) {
        return List.of(
                new Views.Tab("General", tabPath(account, virtualAccount, "general"), current.equals("general")),
                new Views.Tab("Licenses", tabPath(account, virtualAccount, "licenses"), current.equals("licenses")),
                new Views.Tab("Product Instances", tabPath(account, virtualAccount, "instances"),
                        current.equals("instances")),
                new Views.Tab("Event Log", tabPath(account, virtualAccount, "events"), current.equals("events")));
    }

    /** A form field, stripped; empty when the form did not send it. */
    static String field(Context ctx, String name) {
        return Optional.ofNullable(ctx.formParam(name)).orElse("").strip();
    }

    /** Answers with a file the browser saves as {@code fileName} rather than shows. */
    static void download(Context ctx, String fileName, String contentType, byte[] body) {
        attachment(ctx, fileName, contentType).result(body);
    }

    /**
     * {@link #download(Context, String, String, byte[])} of {@code length} bytes read from {@code body}, then closed;
     * sent as they are, since their length is announced.
     */
    static void download(Context ctx, String fileName, String contentType, long length, InputStream body) {
        ctx.disableCompression();
        ctx.res().setContentLengthLong(length);
        attachment(ctx, fileName, contentType).result(body);
    }

    private static Context attachment(Context ctx, String fileName, String contentType) {
        return ctx.header("Content-Disposition", "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_")
                + "\"").header("Cache-Control", "no-store").contentType(contentType);
    }
}
