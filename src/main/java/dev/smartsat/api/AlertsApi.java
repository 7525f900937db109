package dev.smartsat.api;

import dev.smartsat.core.AlertType;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.Alerts;
import io.javalin.http.Context;

/** An account's alerts over HTTP (SPEC §12), filtered and paged like the event log. */
final class AlertsApi {
    private final Alerts alerts;
    private final Accounts accounts;

    AlertsApi(Alerts alerts, Accounts accounts) {
        this.alerts = alerts;
        this.accounts = accounts;
    }

    void accountAlerts(Context ctx) {
        // Parameters first, so a bad one is a 400 whatever the account.
        AlertType type = QueryParams.enumValue(ctx, "type", AlertType.class, "an alert type");
        Boolean active = active(ctx);
        Paging paging = QueryParams.paging(ctx);
        String account = ctx.pathParam("account");
        SmartAccount sa = accounts.account(account);
        VirtualAccount va = QueryParams.virtualAccount(ctx, accounts, account);
        Alerts.Page page = alerts.find(new Alerts.Filter(sa, va, type, active), paging.limit(), paging.offset());
        ctx.json(Lists.of("alerts", page.totalRecords(), page.alerts()));
    }

    static Boolean active(Context ctx) {
        String text = ctx.queryParam("active");
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.strip()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new ClientError.BadRequest("active", "active must be true or false, not '" + text + "'");
        };
    }
}
