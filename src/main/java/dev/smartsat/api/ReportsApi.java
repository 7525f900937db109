package dev.smartsat.api;

import dev.smartsat.core.Paging;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.reservation.Devices;
import dev.smartsat.core.Event;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.LicenseView;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports of an account (SPEC §4) as JSON, or as CSV with a header row for a spreadsheet. The JSON
 * form is {@code {"report","account","virtualAccount","generatedAt","totalRecords","rows":[…]}}.
 */
final class ReportsApi {
    private static final int MAX_EVENT_ROWS = 100_000;

    private final Accounts accounts;
    private final Licenses licenses;
    private final Devices devices;
    private final Events events;
    private final Clock clock;

    ReportsApi(Accounts accounts, Licenses licenses, Devices devices, Events events, Clock clock) {
        this.accounts = accounts;
        this.licenses = licenses;
        this.devices = devices;
        this.events = events;
        this.clock = clock;
    }

    /** A report's rows: the JSON objects and, in the same order, the CSV cells under the header. */
    private record Table(List<String> header, List<?> json, List<List<Object>> csv) {}

    void report(Context ctx) {
        String account = ctx.pathParam("account");
        String kind = ctx.pathParam("kind");
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new ClientError.BadRequest("format", "format must be json or csv, not '" + format + "'");
        }
        SmartAccount sa = accounts.account(account);
        VirtualAccount va = QueryParams.virtualAccount(ctx, accounts, account);
        Table table = switch (kind) {
            case "licenses" -> licenses(account, va);
            case "events" -> events(sa, va);
            case "devices" -> devices(account, va);
            case "reservations" -> reservations(account, va);
            default -> throw new ClientError.NotFound("no report named '" + kind
                    + "'; reports are licenses, devices, reservations and events");
        };
        if (format.equals("csv")) {
            String file = sa.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + kind + ".csv";
            ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
            ctx.contentType("text/csv; charset=utf-8").result(Csv.of(table.header(), table.csv()));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report", kind);
        body.put("account", sa.name());
        body.put("virtualAccount", va == null ? null : va.name());
        body.put("generatedAt", clock.instant());
        body.put("totalRecords", table.json().size());
        body.put("rows", table.json());
        ctx.json(body);
    }

    private Table licenses(String account, VirtualAccount va) {
        List<LicenseView> all = licenses.search(account, va == null ? List.of() : List.of(va.name()),
                Integer.MAX_VALUE, 0).licenses();
        List<Object> json = all.stream().<Object>map(LicensesApi.AccountLicense::of).toList();
        List<List<Object>> csv = all.stream().map(v -> Arrays.<Object>asList(v.virtualAccount(), v.license(),
                v.entitlementTag(), v.licenseType(), v.quantity(), v.inUse(), v.reserved(), v.balance(), v.status(),
                v.endDate())).toList();
        return new Table(List.of("virtualAccount", "license", "entitlementTag", "licenseType", "quantity", "inUse",
                "reserved", "balance", "status", "endDate"), json, csv);
    }

    private Table devices(String account, VirtualAccount only) {
        List<DevicesApi.DeviceInfo> rows = allDevices(account, only, null);
        return new Table(DevicesApi.DeviceInfo.CSV_HEADER, rows, rows.stream().map(DevicesApi.DeviceInfo::csv).toList());
    }

    /** One row per reserved tag of each reservation. */
    record ReservationRow(String virtualAccount, String productInstanceIdentifier, String udiPid,
                          String udiSerialNumber, String reservationCode, String status, String entitlementTag,
                          long quantity, Long pendingQuantity, Instant reservedAt) {}

    private Table reservations(String account, VirtualAccount only) {
        List<ReservationRow> rows = new ArrayList<>();
        for (DevicesApi.DeviceInfo d : allDevices(account, only, ProductInstance.RESERVED)) {
            for (DevicesApi.ReservedLicense l : d.reservation().licenses()) {
                rows.add(new ReservationRow(d.virtualAccount(), d.productInstanceIdentifier(), d.sudi().udiPid(),
                        d.sudi().udiSerialNumber(), d.reservation().reservationCode(), d.reservation().status(),
                        l.entitlementTag(), l.quantity(), l.pendingQuantity(), d.registrationDate()));
            }
        }
        return new Table(List.of("virtualAccount", "productInstanceIdentifier", "udiPid", "udiSerialNumber",
                "reservationCode", "status", "entitlementTag", "quantity", "pendingQuantity", "reservedAt"), rows,
                rows.stream().map(r -> Arrays.<Object>asList(r.virtualAccount(), r.productInstanceIdentifier(),
                        r.udiPid(), r.udiSerialNumber(), r.reservationCode(), r.status(), r.entitlementTag(),
                        r.quantity(), r.pendingQuantity(), r.reservedAt())).toList());
    }

    /** Every device of one virtual account, or of all of the account's, with a status filter, page by page. */
    private List<DevicesApi.DeviceInfo> allDevices(String account, VirtualAccount only, String status) {
        List<VirtualAccount> vas = only != null ? List.of(only) : accounts.accounts().stream()
                .filter(t -> t.account().name().equals(account)).flatMap(t -> t.virtualAccounts().stream()).toList();
        List<DevicesApi.DeviceInfo> rows = new ArrayList<>();
        for (VirtualAccount va : vas) {
            int offset = 0;
            Devices.Page page;
            do {
                page = devices.list(account, va.name(), status, null, Paging.MAX_LIMIT, offset);
                page.devices().forEach(d -> rows.add(DevicesApi.DeviceInfo.of(d)));
                offset += page.devices().size();
            } while (!page.devices().isEmpty() && offset < page.totalRecords());
        }
        return rows;
    }

    private Table events(SmartAccount sa, VirtualAccount va) {
        List<Event> rows = events.find(new Events.Filter(sa, va, null, null), MAX_EVENT_ROWS, 0).events();
        return new Table(List.of("id", "time", "type", "virtualAccount", "productInstanceIdentifier", "message"),
                rows, rows.stream().map(EventsApi::row).toList());
    }
}
