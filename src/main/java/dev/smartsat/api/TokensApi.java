package dev.smartsat.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.core.RegistrationToken;
import dev.smartsat.licensing.Tokens;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;

/** Registration tokens over HTTP. */
final class TokensApi {
    static final String ALLOWED = "Allowed";
    static final String NOT_ALLOWED = "Not Allowed";

    private final Tokens tokens;
    private final long maxBody;

    TokensApi(Tokens tokens, long maxBody) {
        this.tokens = tokens;
        this.maxBody = maxBody;
    }

    record TokenInfo(String token, String description, Instant createdAt, Instant expirationDate,
                     String exportControlled, Long maxUses, long uses, String status) {
        static TokenInfo of(RegistrationToken t, Instant now) {
            return new TokenInfo(t.token(), t.description(), t.createdAt(), t.expiresAt(),
                    t.exportControlled() ? ALLOWED : NOT_ALLOWED, t.maxUses(), t.uses(), t.status(now).name());
        }
    }

    void list(Context ctx) {
        Paging paging = QueryParams.paging(ctx);
        var page = tokens.list(ctx.pathParam("account"), ctx.pathParam("va"), paging.limit(), paging.offset());
        ctx.json(Lists.of("tokens", page.totalRecords(),
                page.tokens().stream().map(t -> TokenInfo.of(t, page.now())).toList()));
    }

    void create(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String description = Fields.string(body, "description").orElse(null);
        Integer days = Fields.intNumber(body, "expiresAfterDays").orElse(null);
        Boolean exportControlled = Fields.string(body, "exportControlled").map(TokensApi::exportControlled).orElse(null);
        Long maxUses = Fields.wholeNumber(body, "maxUses").orElse(null);
        RegistrationToken t = tokens.create(ctx.pathParam("account"), ctx.pathParam("va"),
                new Tokens.NewToken(description, days, exportControlled, maxUses));
        ctx.status(201).json(Map.of("tokenInfo", TokenInfo.of(t, t.createdAt())));
    }

    void revoke(Context ctx) {
        RegistrationToken t = tokens.revoke(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("token"));
        ctx.json(Map.of("tokenInfo", TokenInfo.of(t, tokens.now())));
    }

    void remove(Context ctx) {
        tokens.remove(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("token"));
        ctx.status(204);
    }

    private static boolean exportControlled(String value) {
        if (ALLOWED.equals(value)) {
            return true;
        }
        if (NOT_ALLOWED.equals(value)) {
            return false;
        }
        throw new ClientError.Unprocessable("exportControlled",
                "exportControlled must be \"Allowed\" or \"Not Allowed\", not \"" + value + "\"");
    }
}
