package dev.smartsat.reservation;

import dev.smartsat.licensing.ProductInstance;
import dev.smartsat.store.ReservationDao;
import dev.smartsat.store.ReservationDao.Codes;
import dev.smartsat.store.ReservationDao.Held;
import dev.smartsat.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * A reserved instance's reservation as administrators see it: its status (RESERVED or PENDING_CONFIRMATION),
 * the request code it answered, the authorization code in force with its timestamp, an update awaiting
 * confirmation, and what it holds per tag.
 */
public record Reservation(String status, String reservationCode, String authorizationCode, Instant timestamp,
                          String pendingAuthorizationCode, List<Held> licenses) {

    /** The reservations of those {@code instances} that are reserved, by instance id, read in one pass. */
    public static Map<Long, Reservation> of(Handle h, List<ProductInstance> instances) {
        List<Long> ids = instances.stream().filter(ProductInstance::reserved).map(ProductInstance::id).toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        ReservationDao dao = Store.dao(h, ReservationDao.class);
        Map<Long, List<Held>> held = new HashMap<>();
        dao.heldBy(ids).forEach(r -> held.computeIfAbsent(r.instanceId(), k -> new ArrayList<>()).add(r));
        Map<Long, Reservation> out = new HashMap<>();
        for (ProductInstance i : instances) {
            if (i.reserved()) {
                Codes c = dao.codes(i.id()).orElseThrow();
                out.put(i.id(), new Reservation(i.reservationStatus(), c.reservationRequestCode(), c.reservationCode(),
                        c.reservationTimestamp() == null ? null : Instant.ofEpochMilli(c.reservationTimestamp()),
                        c.pendingReservationCode(), held.getOrDefault(i.id(), List.of())));
            }
        }
        return out;
    }
}
