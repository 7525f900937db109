package dev.smartsat.api;

import dev.smartsat.core.Paging;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Event;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The event log over HTTP: per account, and everything for admins. */
final class EventsApi {
    private final Events events;
    private final Accounts accounts;

    EventsApi(Events events, Accounts accounts) {
        this.events = events;
        this.accounts = accounts;
    }

    void accountEvents(Context ctx) {
        String account = ctx.pathParam("account");
        SmartAccount sa = accounts.account(account);
        VirtualAccount va = QueryParams.virtualAccount(ctx, accounts, account);
        respond(ctx, new Events.Filter(sa, va, type(ctx), since(ctx)));
    }

    void allEvents(Context ctx) {
        respond(ctx, new Events.Filter(null, null, type(ctx), since(ctx)));
    }

    private void respond(Context ctx, Events.Filter filter) {
        Paging paging = QueryParams.paging(ctx);
        Events.Page page = events.find(filter, paging.limit(), paging.offset());
        ctx.json(Lists.of("events", page.totalRecords(), page.events()));
    }

    static EventType type(Context ctx) {
        return QueryParams.enumValue(ctx, "type", EventType.class, "an event type");
    }

    static Instant since(Context ctx) {
        String text = ctx.queryParam("since");
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new ClientError.BadRequest("since", "since must be an ISO-8601 instant such as 2026-11-22T10:00:00Z");
        }
    }

    /** An event as the cells of a report row. */
    static java.util.List<Object> row(Event e) {
        return java.util.Arrays.asList(e.id(), e.time(), e.type(), e.virtualAccount(), e.productInstanceIdentifier(),
                e.message());
    }
}
