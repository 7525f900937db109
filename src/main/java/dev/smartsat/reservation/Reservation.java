package dev.smartsat.reservation;

import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.InstanceDao;
import dev.smartsat.store.ReservationDao;
import dev.smartsat.store.ReservationDao.Codes;
import dev.smartsat.store.ReservationDao.Held;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reserved instance's reservation as administrators see it: its status (RESERVED or PENDING_CONFIRMATION),
 * the request code it answered, the authorization code in force with its timestamp, an update awaiting
 * confirmation, and what it holds per tag.
 */
public record Reservation(String status, String reservationCode, String authorizationCode, Instant timestamp,
                          String pendingAuthorizationCode, List<Held> licenses) {

    /** The reservations of those {@code instances} that are reserved, by instance id, read in one pass. */
    public static Map<Long, Reservation> of(Tx tx, List<ProductInstance> instances) {
        List<Long> ids = instances.stream().filter(ProductInstance::reserved).map(ProductInstance::id).toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        ReservationDao dao = tx.reservations();
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

    /** A reserved instance of a virtual account, with the codes of its reservation. */
    record Reserved(VirtualAccount va, ProductInstance instance, Codes codes) {}

    /** The reserved instance {@code piid} of a virtual account: 404 when there is none, 409 when it is not reserved. */
    static Reserved find(Tx tx, String account, String virtualAccount, String piid) {
        VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
        ProductInstance instance = tx.instances().byPiid(piid).filter(i -> i.virtualAccountId() == va.id())
                .orElseThrow(() -> new ClientError.NotFound("no product instance " + piid + " in virtual account '"
                        + va.name() + "'"));
        if (!instance.reserved()) {
            throw new ClientError.Conflict("product instance " + piid + " (" + instance.udi() + ") holds no"
                    + " Specific License Reservation; it is registered for Smart Licensing");
        }
        return new Reserved(va, instance, tx.reservations().codes(instance.id()).orElseThrow());
    }
}
