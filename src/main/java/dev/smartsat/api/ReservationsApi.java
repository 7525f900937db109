package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.reservation.Reservations;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Specific License Reservation over HTTP (SPEC §5): reserve, update, confirm, and remove with a return code. */
final class ReservationsApi {
    private final Reservations reservations;
    private final DevicesApi devices;
    private final long maxBody;

    ReservationsApi(Reservations reservations, DevicesApi devices, long maxBody) {
        this.reservations = reservations;
        this.devices = devices;
        this.maxBody = maxBody;
    }

    /**
     * {@code {"status","authorizationCodes":[…]}}; a refused call also carries the error body's {@code message}
     * and {@code errors} (per request index), so it reads like every other error of the API.
     */
    void reserve(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        List<Reservations.Request> requests = new ArrayList<>();
        List<JsonNode> nodes = Fields.objects(body, "reservationRequests");
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            String prefix = "reservationRequests[" + i + "].";
            requests.add(new Reservations.Request(
                    Fields.nested(prefix, () -> Fields.requiredString(node, "reservationCode")),
                    Fields.nested(prefix, () -> Fields.string(node, "reservationType").orElse(null)),
                    Fields.nested(prefix, () -> lines(node))));
        }
        Reservations.Result result = reservations.reserve(ctx.pathParam("account"), ctx.pathParam("va"), requests);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", result.success() ? Reservations.SUCCESS : Reservations.ERROR);
        if (!result.success()) {
            answer.put("message", result.message());
            Map<String, List<String>> errors = new LinkedHashMap<>();
            for (int i = 0; i < result.outcomes().size(); i++) {
                Reservations.Outcome o = result.outcomes().get(i);
                errors.put("reservationRequests[" + i + "]", List.of(o.statusMessage()));
            }
            answer.put("errors", errors);
        }
        answer.put("authorizationCodes", result.outcomes());
        ctx.status(result.httpStatus()).json(answer);
    }

    void update(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        ctx.json(reservations.update(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"), lines(body)));
    }

    /** Answers the device's details, with the new quantities in force. */
    void confirm(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        reservations.confirm(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"),
                Fields.requiredString(body, "confirmationCode"));
        devices.get(ctx);
    }

    void remove(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        reservations.remove(ctx.pathParam("account"), ctx.pathParam("va"), ctx.pathParam("piid"),
                Fields.requiredString(body, "returnCode"));
        ctx.json(Map.of("status", Reservations.SUCCESS, "productInstanceIdentifier", ctx.pathParam("piid")));
    }

    private static List<Reservations.Line> lines(JsonNode node) {
        List<Reservations.Line> lines = new ArrayList<>();
        List<JsonNode> items = Fields.objects(node, "licenses");
        for (int i = 0; i < items.size(); i++) {
            JsonNode line = items.get(i);
            String prefix = "licenses[" + i + "].";
            lines.add(new Reservations.Line(Fields.nested(prefix, () -> Fields.requiredString(line, "entitlementTag")),
                    Fields.nested(prefix, () -> Fields.requiredWholeNumber(line, "quantity"))));
        }
        return lines;
    }
}
