package dev.smartsat.api;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import io.javalin.http.Context;
import java.util.Arrays;

/** Query values several list routes share, read one way: absent or blank is no filter, a bad one a 400 naming it. */
final class QueryParams {
    private QueryParams() {}

    /** The list's {@code limit} and {@code offset}. */
    static Paging paging(Context ctx) {
        return Paging.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
    }

    /** {@code name} as one of {@code type}'s constants; {@code what} names the kind in the error ("an event type"). */
    static <E extends Enum<E>> E enumValue(Context ctx, String name, Class<E> type, String what) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.strip());
        } catch (IllegalArgumentException e) {
            throw new ClientError.BadRequest(name, name + " '" + text + "' is not " + what + "; use one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** The {@code virtualAccount} filter, within {@code account}: null for none, a 404 for an unknown name. */
    static VirtualAccount virtualAccount(Context ctx, Accounts accounts, String account) {
        String name = ctx.queryParam("virtualAccount");
        return name == null || name.isBlank() ? null : accounts.virtualAccount(account, name);
    }
}
