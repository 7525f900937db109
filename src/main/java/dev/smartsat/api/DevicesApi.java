package dev.smartsat.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.core.Paging;
import dev.smartsat.reservation.Devices;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.reservation.Reservation;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Product instances over HTTP: list, details, transfer, remove. */
final class DevicesApi {
    private final Devices devices;
    private final long maxBody;

    DevicesApi(Devices devices, long maxBody) {
        this.devices = devices;
        this.maxBody = maxBody;
    }

    record Sudi(String udiPid, String udiSerialNumber) {}

    /** One reserved tag; {@code pendingQuantity} is null unless an update awaits confirmation. */
    record ReservedLicense(String entitlementTag, long quantity, Long pendingQuantity) {}

    /**
     * A reserved instance's reservation: {@code status} RESERVED or PENDING_CONFIRMATION, the request code it
     * answered, the authorization code in force (with its timestamp) and the update awaiting confirmation.
     */
    record ReservationInfo(String status, String reservationCode, String authorizationCode,
                           Instant authorizationTimestamp, String pendingAuthorizationCode,
                           List<ReservedLicense> licenses) {
        static ReservationInfo of(Reservation r) {
            return r == null ? null : new ReservationInfo(r.status(), r.reservationCode(), r.authorizationCode(),
                    r.timestamp(), r.pendingAuthorizationCode(), r.licenses().stream()
                    .map(l -> new ReservedLicense(l.entitlementTag(), l.count(), l.pendingCount())).toList());
        }
    }

    record DeviceInfo(String productInstanceIdentifier, Sudi sudi, String hostName, String softwareTagIdentifier,
                      Instant registrationDate, Instant lastContactDate, String registrationStatus,
                      String authorizationStatus, String exportControlled, List<Devices.Usage> licenseUsage,
                      String virtualAccount, ReservationInfo reservation) {
        static DeviceInfo of(Devices.Device d) {
            ProductInstance i = d.instance();
            return new DeviceInfo(i.piid(), new Sudi(i.udiPid(), i.udiSerial()), i.hostname(), i.softwareTag(),
                    i.registeredAt(), i.lastContactAt(), d.registrationStatus(), d.authorizationStatus(),
                    i.exportControlled() ? TokensApi.ALLOWED : TokensApi.NOT_ALLOWED, d.licenseUsage(),
                    d.virtualAccount(), ReservationInfo.of(d.reservation()));
        }

        static final List<String> CSV_HEADER = List.of("productInstanceIdentifier", "udiPid", "udiSerialNumber",
                "hostName", "softwareTagIdentifier", "registrationDate", "lastContactDate", "registrationStatus",
                "authorizationStatus", "exportControlled", "licenseUsage", "virtualAccount");

        List<Object> csv() {
            String usage = licenseUsage.stream().map(u -> u.entitlementTag() + "=" + u.quantity() + ":" + u.status())
                    .collect(Collectors.joining(";"));
            return Arrays.asList(productInstanceIdentifier, sudi.udiPid(), sudi.udiSerialNumber(), hostName,
                    softwareTagIdentifier, registrationDate, lastContactDate, registrationStatus, authorizationStatus,
                    exportControlled, usage, virtualAccount);
        }
    }

    void list(Context ctx) {
        Paging paging = QueryParams.paging(ctx);
        Devices.Page page = devices.list(ctx.pathParam("account"), ctx.pathParam("va"), blankToNull(ctx.queryParam("status")),
                ctx.queryParam("q"), paging.limit(), paging.offset());
        ctx.json(Lists.of("devices", page.totalRecords(), page.devices().stream().map(DeviceInfo::of).toList()));
    }

    void get(Context ctx) {
        ctx.json(DeviceInfo.of(devices.get(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"))));
    }

    void transfer(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String target = Fields.requiredString(body, "targetVirtualAccount");
        ctx.json(DeviceInfo.of(devices.transfer(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"), target)));
    }

    void remove(Context ctx) {
        devices.remove(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"));
        ctx.status(204);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
