package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.licensing.LicenseView;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.sync.Purchases;
import dev.smartsat.sync.Sync;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** License pools, transfers and account-wide search over HTTP. */
final class LicensesApi {
    private final Licenses licenses;
    private final long maxBody;
    private final boolean upstream;
    private final Sync sync;

    LicensesApi(Licenses licenses, long maxBody, boolean upstream, Sync sync) {
        this.licenses = licenses;
        this.maxBody = maxBody;
        this.upstream = upstream;
        this.sync = sync;
    }

    record License(String license, String entitlementTag, String licenseType, long quantity, long inUse,
                   long reserved, long balance, String status, LocalDate endDate) {
        static License of(LicenseView v) {
            return new License(v.license(), v.entitlementTag(), v.licenseType(), v.quantity(), v.inUse(),
                    v.reserved(), v.balance(), v.status(), v.endDate());
        }
    }

    record AccountLicense(String virtualAccount, String license, String entitlementTag, String licenseType,
                          long quantity, long inUse, long reserved, long balance, String status, LocalDate endDate) {
        static AccountLicense of(LicenseView v) {
            return new AccountLicense(v.virtualAccount(), v.license(), v.entitlementTag(), v.licenseType(),
                    v.quantity(), v.inUse(), v.reserved(), v.balance(), v.status(), v.endDate());
        }
    }

    void list(Context ctx) {
        List<License> list = licenses.view(ctx.pathParam("account"), ctx.pathParam("va")).stream()
                .map(License::of).toList();
        ctx.json(Lists.of("licenses", list.size(), list));
    }

    void transfer(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        List<Licenses.Transfer> transfers = new ArrayList<>();
        List<JsonNode> lines = Fields.objects(body, "licenses");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            String prefix = "licenses[" + i + "].";
            transfers.add(new Licenses.Transfer(
                    Fields.nested(prefix, () -> Fields.requiredString(line, "entitlementTag")),
                    Fields.nested(prefix, () -> Fields.requiredWholeNumber(line, "quantity")),
                    Fields.nested(prefix, () -> Fields.requiredString(line, "targetVirtualAccount"))));
        }
        List<License> after = licenses.transfer(ctx.pathParam("account"), ctx.pathParam("va"), transfers).stream()
                .map(License::of).toList();
        ctx.json(Lists.of("licenses", after.size(), after));
    }

    void search(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        List<String> names = Fields.strings(body, "virtualAccounts");
        Paging paging = Paging.check(Fields.wholeNumber(body, "limit").orElse((long) Paging.DEFAULT_LIMIT),
                Fields.wholeNumber(body, "offset").orElse(0L));
        var page = licenses.search(ctx.pathParam("account"), names, paging.limit(), paging.offset());
        ctx.json(Lists.of("licenses", page.totalRecords(), page.licenses().stream().map(AccountLicense::of).toList()));
    }

    /** A purchase: only the upstream (the simulated vendor cloud) sells licenses. 201 with the pools after it. */
    void purchase(Context ctx) {
        if (!upstream) {
            throw new ClientError.Conflict("a satellite's licenses come from its upstream; purchase them there and synchronize");
        }
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String endDate = Fields.string(body, "endDate").orElse(null);
        var purchase = new Purchases.Purchase(Fields.requiredString(body, "entitlementTag"),
                Fields.string(body, "displayName").orElse(null), Fields.requiredWholeNumber(body, "quantity"),
                Fields.string(body, "licenseType").orElse("PERPETUAL"), endDate == null ? null : date("endDate", endDate));
        sync.purchases().purchase(ctx.pathParam("account"), ctx.pathParam("va"), purchase);
        List<License> after = licenses.view(ctx.pathParam("account"), ctx.pathParam("va")).stream()
                .map(License::of).toList();
        ctx.status(201).json(Lists.of("licenses", after.size(), after));
    }

    private static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new ClientError.Unprocessable(field, field + " must be a date YYYY-MM-DD, not '" + text + "'");
        }
    }
}
