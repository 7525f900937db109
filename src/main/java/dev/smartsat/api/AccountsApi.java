package dev.smartsat.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.core.Paging;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.VirtualAccount;
import io.javalin.http.Context;
import java.util.List;

/** Smart accounts and virtual accounts over HTTP. */
final class AccountsApi {
    private final Accounts accounts;
    private final long maxBody;

    AccountsApi(Accounts accounts, long maxBody) {
        this.accounts = accounts;
        this.maxBody = maxBody;
    }

    record VirtualAccountInfo(String name, String description, @JsonProperty("default") boolean isDefault) {
        static VirtualAccountInfo of(VirtualAccount va) {
            return new VirtualAccountInfo(va.name(), va.description(), va.isDefault());
        }
    }

    record AccountInfo(String name, String domain, List<VirtualAccountInfo> virtualAccounts) {}

    void listAccounts(Context ctx) {
        var list = accounts.accounts().stream()
                .map(t -> new AccountInfo(t.account().name(), t.account().domain(),
                        t.virtualAccounts().stream().map(VirtualAccountInfo::of).toList()))
                .toList();
        ctx.json(Lists.of("accounts", list.size(), list));
    }

    void listVirtualAccounts(Context ctx) {
        Paging paging = QueryParams.paging(ctx);
        var page = accounts.virtualAccounts(ctx.pathParam("account"), paging.limit(), paging.offset());
        ctx.json(Lists.of("virtualAccounts", page.totalRecords(),
                page.virtualAccounts().stream().map(VirtualAccountInfo::of).toList()));
    }

    void createVirtualAccount(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String name = Fields.requiredString(body, "name");
        String description = Fields.string(body, "description").orElse(null);
        VirtualAccount va = accounts.create(ctx.pathParam("account"), name, description);
        ctx.status(201).json(VirtualAccountInfo.of(va));
    }

    void getVirtualAccount(Context ctx) {
        ctx.json(VirtualAccountInfo.of(accounts.virtualAccount(ctx.pathParam("account"), ctx.pathParam("va"))));
    }

    void updateVirtualAccount(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String name = Fields.string(body, "name").orElse(null);
        boolean hasDescription = body.has("description");
        String description = Fields.string(body, "description").orElse(null);
        if (name == null && !hasDescription) {
            throw new ClientError.BadRequest("give a new name, a description, or both");
        }
        VirtualAccount va = accounts.update(ctx.pathParam("account"), ctx.pathParam("va"), name, description, hasDescription);
        ctx.json(VirtualAccountInfo.of(va));
    }

    void deleteVirtualAccount(Context ctx) {
        accounts.delete(ctx.pathParam("account"), ctx.pathParam("va"));
    }
}
