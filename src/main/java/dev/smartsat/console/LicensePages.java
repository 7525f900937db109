package dev.smartsat.console;

import dev.smartsat.auth.ConsoleSessions.Session;
import dev.smartsat.console.VirtualAccountViews.Frame;
import dev.smartsat.console.VirtualAccountViews.HeldRow;
import dev.smartsat.console.VirtualAccountViews.LicenseRow;
import dev.smartsat.console.VirtualAccountViews.QuantityField;
import dev.smartsat.console.VirtualAccountViews.TransferForm;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.LicenseView;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.reservation.Devices;
import dev.smartsat.reservation.Reservations;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A virtual account's Licenses tab (SPEC §12): its pools, Transfer, and Reserve Licenses (SPEC §5) from a pasted
 * or uploaded request code, whose authorization code is shown and downloads as a file.
 */
final class LicensePages {
    private static final String LICENSES = VirtualAccountPages.VIRTUAL_ACCOUNT + "/licenses";
    private static final String RESERVE = LICENSES + "/reserve";
    private static final String RESERVATION = RESERVE + "/{piid}";
    /** The form's quantity inputs are named this and the tag. */
    private static final String QUANTITY = "quantity:";
    private static final int MAX_LISTED = 1000;
    private static final TransferForm NO_TRANSFER = new TransferForm("", "", "", null);

    private final Pages pages;
    private final Console.Services services;
    private final VirtualAccountPages tabs;

    LicensePages(Pages pages, Console.Services services, VirtualAccountPages tabs) {
        this.pages = pages;
        this.services = services;
        this.tabs = tabs;
    }

    void routes(ConsoleRoutes r) {
        r.get(LICENSES, this::licenses);
        r.post(LICENSES + "/transfer", this::transfer);
        r.get(RESERVE, this::reserveForm);
        r.post(RESERVE, this::reserve);
        r.get(RESERVATION, this::reservation);
        r.get(RESERVATION + "/authorization-code", this::downloadAuthorizationCode);
    }

    private void licenses(Context ctx) {
        pages.signedIn(ctx).ifPresent(s -> renderLicenses(ctx, s, NO_TRANSFER));
    }

    /** Transfer: one line of the API's transfer; only unused quantity moves (the domain's 409 otherwise). */
    private void transfer(Context ctx) {
        Optional<Session> session = pages.writer(ctx, "transfer licenses");
        if (session.isEmpty()) {
            return;
        }
        TransferForm form = new TransferForm(Pages.field(ctx, "entitlementTag"), Pages.field(ctx, "quantity"),
                Pages.field(ctx, "targetVirtualAccount"), null);
        try {
            var line = new Licenses.Transfer(FormFields.requiredString("entitlementTag", form.entitlementTag()),
                    FormFields.requiredWholeNumber("quantity", form.quantity()),
                    FormFields.requiredString("targetVirtualAccount", form.targetVirtualAccount()));
            services.licenses().transfer(ctx.pathParam("account"), ctx.pathParam("va"), List.of(line));
        } catch (ClientError e) {
            VirtualAccountPages.refused(ctx, e, "licenses");
            renderLicenses(ctx, session.get(), new TransferForm(form.entitlementTag(), form.quantity(),
                    form.targetVirtualAccount(), e.getMessage()));
            return;
        }
        ctx.redirect(VirtualAccountPages.tab(ctx, "licenses"), HttpStatus.SEE_OTHER);
    }

    private void renderLicenses(Context ctx, Session session, TransferForm form) {
        pages.page(ctx, session, "va-licenses.jte", () -> {
            Frame frame = tabs.frame(ctx, session, "licenses");
            List<LicenseRow> rows = services.licenses().view(frame.account(), frame.virtualAccount()).stream()
                    .map(LicenseRow::of).toList();
            List<String> targets = services.accounts().virtualAccounts(frame.account(), MAX_LISTED, 0)
                    .virtualAccounts().stream().map(VirtualAccount::name)
                    .filter(name -> !name.equals(frame.virtualAccount())).toList();
            return new VirtualAccountViews.Licenses(frame, rows, targets, form);
        });
    }

    // Reserve Licenses

    /** The form, for those who may reserve: a viewer is refused the page as it would be the post. */
    private void reserveForm(Context ctx) {
        pages.writer(ctx, "reserve licenses").ifPresent(s -> renderReserve(ctx, s, "", Map.of(), null, null, List.of()));
    }

    /**
     * Reserves as the API's reserve-licenses does, for one request code: pasted, or the uploaded file's (which wins
     * when both are given), with the quantities typed per tag (blank or 0: none of it). All or nothing: a refusal
     * shows status ERROR and the failing entry's statusMessage beside the form, and nothing is reserved.
     */
    private void reserve(Context ctx) {
        Optional<Session> session = pages.writer(ctx, "reserve licenses");
        if (session.isEmpty()) {
            return;
        }
        Map<String, String> fields;
        try {
            fields = UploadForm.read(ctx, services.maxBody());
        } catch (ClientError e) {
            ctx.status(e.status());
            renderReserve(ctx, session.get(), "", Map.of(), null, e.getMessage(), List.of());
            return;
        }
        String pasted = fields.getOrDefault("requestCode", "");
        String uploaded = fields.getOrDefault("requestCodeFile", "");
        Reservations.Result result;
        try {
            String code = FormFields.requiredString("reservationCode", uploaded.isBlank() ? pasted : uploaded);
            result = services.reservations().reserve(ctx.pathParam("account"), ctx.pathParam("va"),
                    List.of(new Reservations.Request(code, Reservations.SPECIFIC, lines(fields))));
        } catch (ClientError e) {
            ctx.status(e.status());
            renderReserve(ctx, session.get(), pasted, fields, Reservations.ERROR, e.getMessage(), List.of());
            return;
        }
        if (!result.success()) {
            ctx.status(result.httpStatus());
            renderReserve(ctx, session.get(), pasted, fields, Reservations.ERROR, result.message(),
                    result.outcomes().stream().map(Reservations.Outcome::statusMessage).toList());
            return;
        }
        String piid = result.outcomes().get(0).productInstanceIdentifier();
        ctx.redirect(VirtualAccountPages.tab(ctx, "licenses/reserve/" + piid), HttpStatus.SEE_OTHER);
    }

    /** The typed quantities, in the form's order; a wrong type in the API's words, naming the tag. */
    private static List<Reservations.Line> lines(Map<String, String> fields) {
        List<Reservations.Line> lines = new ArrayList<>();
        fields.forEach((name, value) -> {
            if (name.startsWith(QUANTITY)) {
                String tag = name.substring(QUANTITY.length());
                long quantity = FormFields.wholeNumber("quantity of " + tag, value).orElse(0L);
                if (quantity != 0) {
                    lines.add(new Reservations.Line(tag, quantity));
                }
            }
        });
        return lines;
    }

    /** {@code typed}: the form's fields as sent, so the quantities come back as they were. */
    private void renderReserve(Context ctx, Session session, String requestCode, Map<String, String> typed,
                               String status, String error, List<String> statusMessages) {
        pages.page(ctx, session, "va-reserve.jte", () -> {
            Frame frame = tabs.frame(ctx, session, "licenses");
            List<LicenseView> pools = services.licenses().view(frame.account(), frame.virtualAccount());
            List<QuantityField> quantities = new ArrayList<>();
            for (int i = 0; i < pools.size(); i++) {
                LicenseView pool = pools.get(i);
                String name = QUANTITY + pool.entitlementTag();
                quantities.add(new QuantityField("quantity-" + i, name, pool.license(), pool.entitlementTag(),
                        pool.balance(), typed.getOrDefault(name, "")));
            }
            // A multipart body is read only after its CSRF token is checked, so the token rides in the query.
            String action = frame.path() + "/licenses/reserve?csrf=" + frame.header().csrf();
            return new VirtualAccountViews.Reserve(frame, action, requestCode, quantities, status, error,
                    statusMessages);
        });
    }

    /** A reservation made: its authorization code in force, as the device takes it (any role may read it). */
    private void reservation(Context ctx) {
        pages.signedIn(ctx).ifPresent(session -> pages.page(ctx, session, "va-reservation.jte", () -> {
            Frame frame = tabs.frame(ctx, session, "licenses");
            Devices.Device device = reserved(ctx);
            return new VirtualAccountViews.Reservation(frame, device.instance().piid(), device.instance().udi(),
                    device.reservation().status(), device.reservation().authorizationCode(),
                    held(frame, device),
                    frame.path() + "/licenses/reserve/" + Pages.encode(device.instance().piid())
                            + "/authorization-code");
        }));
    }

    /** What the reservation holds, each tag named as its pool names it. */
    private List<HeldRow> held(Frame frame, Devices.Device device) {
        Map<String, String> names = new HashMap<>();
        services.licenses().view(frame.account(), frame.virtualAccount())
                .forEach(pool -> names.put(pool.entitlementTag(), pool.license()));
        return device.reservation().licenses().stream().map(h -> new HeldRow(
                names.getOrDefault(h.entitlementTag(), h.entitlementTag()), h.entitlementTag(), h.count())).toList();
    }

    private void downloadAuthorizationCode(Context ctx) {
        Optional<Session> session = pages.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        Devices.Device device;
        try {
            device = reserved(ctx);
        } catch (ClientError e) {
            pages.message(ctx, session.get(), e, "Not found");
            return;
        }
        Pages.download(ctx, "authorization-code-" + device.instance().piid() + ".txt", "text/plain; charset=utf-8",
                (device.reservation().authorizationCode() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The URL's product instance, which must hold a reservation (409, as the API's reservation routes, if not). */
    private Devices.Device reserved(Context ctx) {
        String piid = ctx.pathParam("piid");
        Devices.Device device = services.devices().get(ctx.pathParam("account"), ctx.pathParam("va"), piid);
        if (device.reservation() == null) {
            throw new ClientError.Conflict("product instance " + piid + " (" + device.instance().udi() + ") holds no"
                    + " Specific License Reservation; it is registered for Smart Licensing");
        }
        return device;
    }
}
