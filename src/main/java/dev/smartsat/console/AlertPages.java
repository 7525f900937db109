package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.core.Alert;
import dev.smartsat.core.AlertType;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.core.QueryValues;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.Alerts;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An account's Alerts page (SPEC §12): its alerts newest first, filtered by type, active or cleared and virtual
 * account, and paged, read as {@code GET /accounts/{account}/alerts} reads them.
 */
public final class AlertPages {
    static final String PATH = Pages.HOME + "/accounts/{account}/alerts";

    private final Pages pages;
    private final Accounts accounts;
    private final Alerts alerts;

    /** The filter as the form shows it: each value as sent, empty for All. */
    public record Filter(String type, String active, String virtualAccount) {}

    /**
     * A page of alerts, {@code totalRecords} in all from {@code offset}; {@code newer} and {@code older} are the
     * links to the neighbouring pages, null at either end.
     */
    public record AlertList(Views.Header header, String account, String path, Filter filter, List<String> types,
                            List<String> virtualAccounts, List<Alert> alerts, long totalRecords, int offset,
                            String newer, String older) {}

    AlertPages(Pages pages, Accounts accounts, Alerts alerts) {
        this.pages = pages;
        this.accounts = accounts;
        this.alerts = alerts;
    }

    void routes(ConsoleRoutes r) {
        r.get(PATH, this::page);
    }

    void page(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        AlertList view;
        try {
            view = list(ctx, session.get());
        } catch (ClientError e) {
            pages.message(ctx, session.get(), e, "Alerts");
            return;
        }
        Pages.render(ctx, "alerts.jte", view);
    }

    /** The API's reading of the same query: the parameters first, so a bad one is a 400 whatever the account. */
    private AlertList list(Context ctx, Session session) {
        Filter filter = new Filter(query(ctx, "type"), query(ctx, "active"), query(ctx, "virtualAccount"));
        AlertType type = QueryValues.enumValue("type", filter.type(), AlertType.class, "an alert type");
        Boolean active = QueryValues.trueOrFalse("active", filter.active());
        Paging paging = Paging.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
        String account = ctx.pathParam("account");
        SmartAccount sa = accounts.account(account);
        VirtualAccount va = filter.virtualAccount().isBlank() ? null : accounts.virtualAccount(account, filter.virtualAccount());
        Alerts.Page page = alerts.find(new Alerts.Filter(sa, va, type, active), paging.limit(), paging.offset());
        List<String> names = accounts.virtualAccounts(account, Paging.MAX_LIMIT, 0).virtualAccounts().stream()
                .map(VirtualAccount::name).toList();
        int newer = paging.offset() - paging.limit();
        int older = paging.offset() + paging.limit();
        return new AlertList(pages.header(ctx, session), account, path(account), filter,
                Arrays.stream(AlertType.values()).map(Enum::name).toList(), names, page.alerts(), page.totalRecords(),
                paging.offset(), paging.offset() == 0 ? null : link(account, filter, paging.limit(), Math.max(0, newer)),
                older >= page.totalRecords() ? null : link(account, filter, paging.limit(), older));
    }

    static String path(String account) {
        return Pages.accountPath(account) + "/alerts";
    }

    private static String query(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).orElse("");
    }

    /** The page at {@code offset} with the same filter. */
    private static String link(String account, Filter filter, int limit, int offset) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("type", filter.type());
        query.put("active", filter.active());
        query.put("virtualAccount", filter.virtualAccount());
        query.put("limit", limit == Paging.DEFAULT_LIMIT ? "" : String.valueOf(limit));
        query.put("offset", String.valueOf(offset));
        StringBuilder path = new StringBuilder(path(account));
        char separator = '?';
        for (var e : query.entrySet()) {
            if (!e.getValue().isEmpty()) {
                path.append(separator).append(e.getKey()).append('=').append(Pages.encode(e.getValue()));
                separator = '&';
            }
        }
        return path.toString();
    }
}
