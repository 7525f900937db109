package dev.smartsat.api;

import dev.smartsat.core.Paging;
import dev.smartsat.core.QueryValues;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import io.javalin.http.Context;

/** Query values several list routes share, read one way: absent or blank is no filter, a bad one a 400 naming it. */
final class QueryParams {
    private QueryParams() {}

    /** {@code name} as one of {@code type}'s constants; {@code what} names the kind in the error ("an event type"). */
    static <E extends Enum<E>> E enumValue(Context ctx, String name, Class<E> type, String what) {
        return QueryValues.enumValue(name, ctx.queryParam(name), type, what);
    }

    /** {@code limit} and {@code offset}. */
    static Paging paging(Context ctx) {
        return Paging.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
    }

    /** The {@code virtualAccount} filter, within {@code account}: null for none, a 404 for an unknown name. */
    static VirtualAccount virtualAccount(Context ctx, Accounts accounts, String account) {
        String name = ctx.queryParam("virtualAccount");
        return name == null || name.isBlank() ? null : accounts.virtualAccount(account, name);
    }
}
