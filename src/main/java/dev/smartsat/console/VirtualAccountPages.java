package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.console.VirtualAccountViews.EventRow;
import dev.smartsat.console.VirtualAccountViews.Frame;
import dev.smartsat.console.VirtualAccountViews.RenameForm;
import dev.smartsat.console.VirtualAccountViews.TokenForm;
import dev.smartsat.console.VirtualAccountViews.TokenRow;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.Tokens;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A virtual account's General and Event Log tabs (SPEC §12): rename / describe, the registration tokens with New
 * Token, Revoke and Remove, and the events with their type filter and paging; {@link LicensePages} is its Licenses tab.
 */
final class VirtualAccountPages {
    /** A virtual account's pages sit below this path. */
    static final String VIRTUAL_ACCOUNT = Console.VIRTUAL_ACCOUNTS + "/{va}";
    private static final String GENERAL = VIRTUAL_ACCOUNT + "/general";
    private static final String TOKENS = VIRTUAL_ACCOUNT + "/tokens";
    private static final String EVENTS = VIRTUAL_ACCOUNT + "/events";
    /** The most tokens one page lists: the API's largest page. */
    private static final int MAX_LISTED = 1000;
    static final int EVENTS_PER_PAGE = 50;
    private static final TokenForm NEW_TOKEN = new TokenForm("", String.valueOf(Tokens.DEFAULT_DAYS), "", true, null);

    private final Pages pages;
    private final Console.Services services;
    private final LicensePages licensePages;

    VirtualAccountPages(Pages pages, Console.Services services) {
        this.pages = pages;
        this.services = services;
        this.licensePages = new LicensePages(pages, services, this);
    }

    void routes(ConsoleRoutes r) {
        r.get(VIRTUAL_ACCOUNT, this::openGeneral);
        r.get(GENERAL, this::general);
        r.post(GENERAL, this::update);
        r.post(TOKENS, this::createToken);
        r.post(TOKENS + "/revoke", this::revokeToken);
        r.post(TOKENS + "/remove", this::removeToken);
        r.get(EVENTS, this::events);
        licensePages.routes(r);
    }

    /**
     * The frame of a virtual account's tab; reads the virtual account, so an unknown one is the domain's 404 (and
     * a name typed in another case is shown as stored).
     */
    Frame frame(Context ctx, Session session, String tab) {
        String account = ctx.pathParam("account");
        VirtualAccount va = services.accounts().virtualAccount(account, ctx.pathParam("va"));
        return new Frame(pages.header(ctx, session), account, va.name(), path(account, va.name()),
                Pages.tabs(account, va.name(), tab));
    }

    /** {@code /console/accounts/{account}/virtual-accounts/{va}}. */
    static String path(String account, String virtualAccount) {
        return Pages.virtualAccountsPath(account) + "/" + Pages.encode(virtualAccount);
    }

    /** The URL's own account and virtual account, for a redirect back to one of its tabs. */
    static String tab(Context ctx, String tab) {
        return Pages.tabPath(ctx.pathParam("account"), ctx.pathParam("va"), tab);
    }

    /**
     * A form refused: the domain's status, and for htmx the address to show, the tab's own (a boosted form's
     * refusal would otherwise leave the address of its POST route in the address bar, which no GET answers).
     */
    static void refused(Context ctx, ClientError e, String tab) {
        ctx.status(e.status()).header("HX-Push-Url", tab(ctx, tab));
    }

    private void openGeneral(Context ctx) {
        if (pages.signedIn(ctx).isPresent()) {
            ctx.redirect(tab(ctx, "general"), HttpStatus.SEE_OTHER);
        }
    }

    // General

    private void general(Context ctx) {
        pages.signedIn(ctx).ifPresent(s -> renderGeneral(ctx, s, null, NEW_TOKEN, null));
    }

    /** Rename / describe, as the API's PATCH: the name given, the description set (blank is none). */
    private void update(Context ctx) {
        Optional<Session> session = pages.writer(ctx, "rename or describe virtual accounts");
        if (session.isEmpty()) {
            return;
        }
        String name = Pages.field(ctx, "name");
        String description = Optional.ofNullable(ctx.formParam("description")).orElse("");
        VirtualAccount va;
        try {
            va = services.accounts().update(ctx.pathParam("account"), ctx.pathParam("va"), name,
                    FormFields.orNull(description), true);
        } catch (ClientError e) {
            refused(ctx, e, "general");
            renderGeneral(ctx, session.get(), new RenameForm(name, description, e.getMessage()), NEW_TOKEN, null);
            return;
        }
        ctx.redirect(Pages.tabPath(ctx.pathParam("account"), va.name(), "general"), HttpStatus.SEE_OTHER);
    }

    /** New Token: the form's fields read as the API reads its body's, refused in its words. */
    private void createToken(Context ctx) {
        Optional<Session> session = pages.writer(ctx, "create registration tokens");
        if (session.isEmpty()) {
            return;
        }
        String description = Optional.ofNullable(ctx.formParam("description")).orElse("");
        String days = Pages.field(ctx, "expiresAfterDays");
        String maxUses = Pages.field(ctx, "maxUses");
        boolean exportControlled = ctx.formParam("exportControlled") != null;
        try {
            services.tokens().create(ctx.pathParam("account"), ctx.pathParam("va"), new Tokens.NewToken(
                    FormFields.orNull(description), FormFields.intNumber("expiresAfterDays", days).orElse(null),
                    exportControlled, FormFields.wholeNumber("maxUses", maxUses).orElse(null)));
        } catch (ClientError e) {
            refused(ctx, e, "general");
            renderGeneral(ctx, session.get(), null,
                    new TokenForm(description, days, maxUses, exportControlled, e.getMessage()), null);
            return;
        }
        ctx.redirect(tab(ctx, "general"), HttpStatus.SEE_OTHER);
    }

    private void revokeToken(Context ctx) {
        onToken(ctx, "revoke registration tokens",
                token -> services.tokens().revoke(ctx.pathParam("account"), ctx.pathParam("va"), token));
    }

    private void removeToken(Context ctx) {
        onToken(ctx, "remove registration tokens",
                token -> services.tokens().remove(ctx.pathParam("account"), ctx.pathParam("va"), token));
    }

    /**
     * Revoke or Remove of the token in the form's field (not in the path: the access log writes paths); a
     * refusal (a token already removed, say) is shown above the table.
     */
    private void onToken(Context ctx, String what, java.util.function.Consumer<String> change) {
        Optional<Session> session = pages.writer(ctx, what);
        if (session.isEmpty()) {
            return;
        }
        try {
            change.accept(FormFields.requiredString("token", ctx.formParam("token")));
        } catch (ClientError e) {
            refused(ctx, e, "general");
            renderGeneral(ctx, session.get(), null, NEW_TOKEN, e.getMessage());
            return;
        }
        ctx.redirect(tab(ctx, "general"), HttpStatus.SEE_OTHER);
    }

    /** {@code rename} null: the form shows the virtual account as stored. */
    private void renderGeneral(Context ctx, Session session, RenameForm rename, TokenForm tokenForm, String tokensError) {
        pages.page(ctx, session, "va-general.jte", () -> {
            Frame frame = frame(ctx, session, "general");
            VirtualAccount va = services.accounts().virtualAccount(frame.account(), frame.virtualAccount());
            Tokens.Page tokens = services.tokens().list(frame.account(), va.name(), MAX_LISTED, 0);
            return new VirtualAccountViews.General(frame, va.description(),
                    tokens.tokens().stream().map(t -> TokenRow.of(t, tokens.now())).toList(), tokensError,
                    rename != null ? rename : new RenameForm(va.name(),
                            va.description() == null ? "" : va.description(), null), tokenForm);
        });
    }

    // Event Log

    /**
     * The virtual account's events, newest first, with the API's filter ({@code virtualAccount} and {@code type});
     * a type or offset the API would refuse is a 400 page in its words.
     */
    private void events(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        EventType type;
        int offset;
        try {
            type = eventType(ctx.queryParam("type"));
            offset = offset(ctx.queryParam("offset"));
        } catch (ClientError e) {
            pages.message(ctx, session.get(), e, "Bad request");
            return;
        }
        pages.page(ctx, session.get(), "va-events.jte", () -> {
            Frame frame = frame(ctx, session.get(), "events");
            var filter = new Events.Filter(services.accounts().account(frame.account()),
                    services.accounts().virtualAccount(frame.account(), frame.virtualAccount()), type, null);
            Events.Page page = services.events().find(filter, EVENTS_PER_PAGE, offset);
            List<EventRow> rows = page.events().stream().map(e -> new EventRow(VirtualAccountViews.time(e.time()),
                    e.type(), e.productInstanceIdentifier() == null ? "" : e.productInstanceIdentifier(),
                    e.message())).toList();
            String base = frame.path() + "/events?" + (type == null ? "" : "type=" + type.name() + "&") + "offset=";
            return new VirtualAccountViews.EventLog(frame, Arrays.stream(EventType.values()).map(Enum::name).toList(),
                    type == null ? "" : type.name(), rows, page.totalRecords(), rows.isEmpty() ? 0 : offset + 1,
                    offset + rows.size(), offset == 0 ? null : base + Math.max(0, offset - EVENTS_PER_PAGE),
                    offset + rows.size() < page.totalRecords() ? base + (offset + EVENTS_PER_PAGE) : null);
        });
    }

    /** As the API's {@code type} query value: blank is every type. */
    private static EventType eventType(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return EventType.valueOf(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ClientError.BadRequest("type", "type '" + text + "' is not an event type; use one of "
                    + Arrays.toString(EventType.values()));
        }
    }

    /** As the API's {@code offset}, in its words: a whole number, zero or more. */
    private static int offset(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        String digits = text.strip();
        if (!digits.matches("[+-]?[0-9]+")) {
            throw new ClientError.BadRequest("offset", "offset must be a whole number, not '" + text + "'");
        }
        int offset;
        try {
            offset = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ClientError.BadRequest("offset", "offset must be from 0 to " + Integer.MAX_VALUE + ", not " + digits);
        }
        if (offset < 0) {
            throw new ClientError.BadRequest("offset", "offset must be zero or more, not " + offset);
        }
        return offset;
    }
}
