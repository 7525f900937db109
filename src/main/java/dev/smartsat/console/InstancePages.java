package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.LicenseView;
import dev.smartsat.reservation.Devices;
import dev.smartsat.reservation.Reservations;
import dev.smartsat.store.ReservationDao.Held;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** A virtual account's Product Instances tab (SPEC §12): search, filter, paging, details, remove, transfer, and a reserved instance's update, confirmation and return. */
final class InstancePages {
    static final String LIST = Console.VIRTUAL_ACCOUNTS + "/{va}/instances";
    static final String DETAILS = LIST + "/{piid}";
    private static final int MAX_TARGETS = 1000;

    private final Pages pages;
    private final Console.Services services;

    InstancePages(Pages pages, Console.Services services) {
        this.pages = pages;
        this.services = services;
    }

    void routes(ConsoleRoutes r) {
        r.get(LIST, this::list);
        r.get(DETAILS, this::details);
        r.get(DETAILS + "/authorization-code", this::authorizationCode);
        r.post(DETAILS + "/remove", this::remove);
        r.post(DETAILS + "/transfer", this::transfer);
        r.post(DETAILS + "/reservation", this::updateReservation);
        r.post(DETAILS + "/reservation/confirm", this::confirm);
        r.post(DETAILS + "/reservation/remove", this::removeReservation);
    }

    private static String listPath(String account, String virtualAccount) {
        return Pages.tabPath(account, virtualAccount, "instances");
    }

    private static String detailsPath(String account, String virtualAccount, String piid) {
        return listPath(account, virtualAccount) + "/" + Pages.encode(piid);
    }

    /** The list, read as the API's {@code GET .../devices} reads its query: same checks, same words. */
    void list(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        String account = ctx.pathParam("account");
        String va = ctx.pathParam("va");
        String q = Optional.ofNullable(ctx.queryParam("q")).orElse("");
        String status = Optional.ofNullable(ctx.queryParam("status")).orElse("").strip();
        String limitText = ctx.queryParam("limit");
        InstanceViews.InstanceList view;
        try {
            Paging paging = Paging.of(limitText, ctx.queryParam("offset"));
            Devices.Page page = services.devices().list(account, va, status.isEmpty() ? null : status, q,
                    paging.limit(), paging.offset());
            Integer limit = limitText == null || limitText.isBlank() ? null : paging.limit();
            String path = listPath(account, va);
            long end = paging.offset() + (long) page.devices().size();
            // An empty page (past the end, or nothing matches) shows no range, only the total.
            long from = page.devices().isEmpty() ? 0 : paging.offset() + 1L;
            long to = page.devices().isEmpty() ? 0 : end;
            String previous = paging.offset() == 0 ? null
                    : pageLink(path, q, status, limit, Math.max(0, paging.offset() - paging.limit()));
            String next = end >= page.totalRecords() ? null : pageLink(path, q, status, limit, end);
            view = new InstanceViews.InstanceList(pages.header(ctx, session.get()), account, va,
                    Pages.tabs(account, va, "instances"), path, q, status,
                    Devices.STATUSES.stream().sorted().toList(), limit,
                    page.devices().stream().map(d -> row(account, va, d)).toList(), page.totalRecords(), from, to,
                    previous, next);
        } catch (ClientError e) {
            pages.message(ctx, session.get(), e, e.status() == 404 ? "Not found" : "Cannot list product instances");
            return;
        }
        Pages.render(ctx, "instances.jte", view);
    }

    /** A Previous or Next link that keeps the search, the filter and a limit the URL named. */
    private static String pageLink(String path, String q, String status, Integer limit, long offset) {
        Map<String, String> query = new LinkedHashMap<>();
        if (!q.isBlank()) {
            query.put("q", q);
        }
        if (!status.isEmpty()) {
            query.put("status", status);
        }
        if (limit != null) {
            query.put("limit", limit.toString());
        }
        query.put("offset", Long.toString(offset));
        return path + "?" + query.entrySet().stream().map(e -> e.getKey() + "=" + Pages.encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private InstanceViews.Row row(String account, String va, Devices.Device d) {
        var i = d.instance();
        String licenses = d.licenseUsage().stream()
                .map(u -> u.quantity() + " × " + services.licenses().displayName(u.entitlementTag()))
                .collect(Collectors.joining(", "));
        return new InstanceViews.Row(i.piid(), detailsPath(account, va, i.piid()), i.hostname(), i.udiPid(),
                i.udiSerial(), d.registrationStatus(), d.authorizationStatus(), i.lastContactAt(), licenses);
    }

    void details(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        pages.page(ctx, session.get(), "instance.jte", () -> detailsView(ctx, session.get(), null));
    }

    private InstanceViews.InstanceDetails detailsView(Context ctx, Session session, InstanceViews.Refusal refusal) {
        String account = ctx.pathParam("account");
        String va = ctx.pathParam("va");
        Devices.Device device = services.devices().get(account, va, ctx.pathParam("piid"));
        List<LicenseView> pools = services.licenses().view(account, va);
        Map<String, LicenseView> byTag = new LinkedHashMap<>();
        pools.forEach(p -> byTag.put(p.entitlementTag(), p));
        Function<String, String> name = tag -> Optional.ofNullable(byTag.get(tag)).map(LicenseView::license)
                .orElseGet(() -> services.licenses().displayName(tag));
        List<InstanceViews.UsageLine> usage = device.licenseUsage().stream().map(u -> new InstanceViews.UsageLine(
                name.apply(u.entitlementTag()), u.entitlementTag(), u.quantity(), u.status())).toList();
        List<String> targets = services.accounts().virtualAccounts(account, MAX_TARGETS, 0).virtualAccounts().stream()
                .map(VirtualAccount::name).filter(n -> !n.equals(device.virtualAccount())).toList();
        return new InstanceViews.InstanceDetails(pages.header(ctx, session), account, va,
                Pages.tabs(account, va, "instances"), detailsPath(account, va, device.instance().piid()),
                listPath(account, va), device, usage, reservedLines(device, byTag, name, refusal), targets, refusal);
    }

    /**
     * The Update Reservation form's lines: every tag the reservation holds and every pool of the virtual account,
     * each showing the quantity last asked for (awaiting confirmation, else in force), or what was typed.
     */
    private static List<InstanceViews.ReservedLine> reservedLines(Devices.Device device, Map<String, LicenseView> pools,
                                                                  Function<String, String> name,
                                                                  InstanceViews.Refusal refusal) {
        if (device.reservation() == null) {
            return List.of();
        }
        Map<String, Held> held = new LinkedHashMap<>();
        device.reservation().licenses().forEach(h -> held.put(h.entitlementTag(), h));
        List<String> tags = new ArrayList<>(held.keySet());
        pools.keySet().stream().filter(t -> !held.containsKey(t)).forEach(tags::add);
        List<InstanceViews.ReservedLine> lines = new ArrayList<>();
        for (String tag : tags) {
            Held h = held.get(tag);
            long asked = h == null ? 0 : h.pendingCount() != null ? h.pendingCount() : h.count();
            boolean refused = refusal != null && refusal.form().equals(InstanceViews.UPDATE);
            String value = refused ? refusal.typed("quantity-" + lines.size()) : asked > 0 ? Long.toString(asked) : "";
            lines.add(new InstanceViews.ReservedLine(lines.size(), name.apply(tag), tag, h == null ? 0 : h.count(),
                    h == null ? null : h.pendingCount(), pools.containsKey(tag) ? pools.get(tag).balance() : null,
                    value));
        }
        return lines;
    }

    /**
     * The code the device should install: the update awaiting confirmation, else the one in force — as the file
     * {@code authorization-code-<piid>.txt}.
     */
    void authorizationCode(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        String piid = ctx.pathParam("piid");
        Devices.Device device;
        try {
            device = services.devices().get(ctx.pathParam("account"), ctx.pathParam("va"), piid);
            if (device.reservation() == null) {
                throw new ClientError.NotFound("product instance " + piid + " (" + device.instance().udi()
                        + ") holds no Specific License Reservation, so it has no authorization code");
            }
        } catch (ClientError e) {
            pages.message(ctx, session.get(), e, "Not found");
            return;
        }
        String code = Optional.ofNullable(device.reservation().pendingAuthorizationCode())
                .orElse(device.reservation().authorizationCode());
        Pages.download(ctx, "authorization-code-" + piid + ".txt", "text/plain; charset=utf-8",
                (code + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A change to the instance: run it, then go where {@code done} says; a refusal is shown beside its form. */
    private void change(Context ctx, String what, String form, Map<String, String> typed, Supplier<String> done) {
        Optional<Session> session = pages.writer(ctx, what);
        if (session.isEmpty()) {
            return;
        }
        String next;
        try {
            next = done.get();
        } catch (ClientError e) {
            InstanceViews.InstanceDetails view;
            try {
                view = detailsView(ctx, session.get(), new InstanceViews.Refusal(form, e.getMessage(), typed));
            } catch (ClientError gone) {
                pages.message(ctx, session.get(), gone, "Not found");
                return;
            }
            ctx.status(e.status());
            Pages.render(ctx, "instance.jte", view);
            return;
        }
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    void remove(Context ctx) {
        String account = ctx.pathParam("account");
        String va = ctx.pathParam("va");
        change(ctx, "remove product instances", InstanceViews.REMOVE, Map.of(), () -> {
            services.devices().remove(account, va, ctx.pathParam("piid"));
            return listPath(account, va);
        });
    }

    void transfer(Context ctx) {
        String account = ctx.pathParam("account");
        String target = Optional.ofNullable(ctx.formParam("targetVirtualAccount")).orElse("");
        change(ctx, "transfer product instances", InstanceViews.TRANSFER, Map.of("targetVirtualAccount", target), () -> {
            Devices.Device moved = services.devices().transfer(account, ctx.pathParam("va"), ctx.pathParam("piid"),
                    required(ctx, "targetVirtualAccount"));
            return detailsPath(account, moved.virtualAccount(), moved.instance().piid());
        });
    }

    /** The whole new set of quantities, as the API's body names them; a blank quantity leaves its tag out. */
    void updateReservation(Context ctx) {
        List<String> tags = ctx.formParams("entitlementTag");
        List<String> quantities = ctx.formParams("quantity");
        Map<String, String> typed = new LinkedHashMap<>();
        for (int i = 0; i < quantities.size(); i++) {
            typed.put("quantity-" + i, quantities.get(i));
        }
        change(ctx, "update reservations", InstanceViews.UPDATE, typed, () -> {
            if (tags.size() != quantities.size()) {
                throw new ClientError.BadRequest("licenses", "licenses: each entitlementTag needs one quantity");
            }
            List<Reservations.Line> lines = new ArrayList<>();
            for (int i = 0; i < tags.size(); i++) {
                if (!quantities.get(i).isBlank()) {
                    lines.add(new Reservations.Line(tags.get(i),
                            wholeNumber("licenses[" + lines.size() + "].quantity", quantities.get(i))));
                }
            }
            services.reservations().update(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"), lines);
            return detailsPath(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"));
        });
    }

    void confirm(Context ctx) {
        withDeviceCode(ctx, "confirm reservations", InstanceViews.CONFIRM, "confirmationCode",
                services.reservations()::confirm, detailsPath(ctx.pathParam("account"), ctx.pathParam("va"),
                        ctx.pathParam("piid")));
    }

    void removeReservation(Context ctx) {
        withDeviceCode(ctx, "remove reservations", InstanceViews.RETURN, "returnCode", services.reservations()::remove,
                listPath(ctx.pathParam("account"), ctx.pathParam("va")));
    }

    /** A reservation call given a code the device showed: the confirmation code, or the return code. */
    @FunctionalInterface
    private interface DeviceCodeCall {
        void apply(String account, String virtualAccount, String piid, String code);
    }

    /** Confirm or Remove Reservation: the code typed into {@code field} goes to the domain, then the page {@code next}. */
    private void withDeviceCode(Context ctx, String what, String form, String field, DeviceCodeCall call, String next) {
        String typed = Optional.ofNullable(ctx.formParam(field)).orElse("");
        change(ctx, what, form, Map.of(field, typed), () -> {
            call.apply(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"), required(ctx, field));
            return next;
        });
    }

    /** A field the API's body requires: absent is the API's 400; anything sent goes to the domain as it is. */
    private static String required(Context ctx, String field) {
        String value = ctx.formParam(field);
        if (value == null) {
            throw new ClientError.BadRequest(field, field + " is required");
        }
        return value;
    }

    /** A typed quantity read as the API reads a JSON number or numeric string, with its words. */
    private static long wholeNumber(String field, String text) {
        String digits = text.strip();
        if (!digits.matches("-?\\d+")) {
            throw new ClientError.BadRequest(field, field + " must be a whole number");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new ClientError.Unprocessable(field, field + " is out of range");
        }
    }
}
