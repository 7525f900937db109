package dev.smartsat.reservation;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.licensing.Compliance;
import dev.smartsat.licensing.Events;
import dev.smartsat.licensing.Registrations;
import dev.smartsat.store.InstanceList;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import dev.smartsat.store.UsageDao;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Product instances as administrators manage them: list, inspect, move to another virtual account, remove. */
public final class Devices {
    public static final Set<String> STATUSES = Set.of(ProductInstance.REGISTERED, ProductInstance.REGISTRATION_EXPIRED,
            ProductInstance.AUTHORIZED, ProductInstance.OUT_OF_COMPLIANCE, ProductInstance.AUTHORIZATION_EXPIRED,
            ProductInstance.NO_LICENSES_IN_USE, ProductInstance.RESERVED);

    private final Store store;
    private final Clock clock;
    private final Compliance compliance;
    private final Reservations reservations;

    public Devices(Store store, Clock clock, Compliance compliance, Reservations reservations) {
        this.store = store;
        this.clock = clock;
        this.compliance = compliance;
        this.reservations = reservations;
    }

    /**
     * A device with what it last reported, as of {@code now}; {@code reservation} is null unless it is a
     * Specific License Reservation.
     */
    public record Device(ProductInstance instance, String virtualAccount, List<UsageDao.UsageRow> usage,
                         Reservation reservation, Instant now) {
        public String registrationStatus() {
            return instance.registrationStatus(now);
        }

        public String authorizationStatus() {
            return instance.authorizationStatus(now);
        }

        /**
         * The licenses it uses as administrators see them: a reservation's held quantities (RESERVED), or what
         * the device last reported, each AUTHORIZATION_EXPIRED once its authorization has lapsed.
         */
        public List<Usage> licenseUsage() {
            if (reservation != null) {
                return reservation.licenses().stream().filter(l -> l.count() > 0)
                        .map(l -> new Usage(l.entitlementTag(), l.count(), ProductInstance.RESERVED)).toList();
            }
            boolean lapsed = ProductInstance.AUTHORIZATION_EXPIRED.equals(authorizationStatus());
            return usage.stream().map(u -> new Usage(u.entitlementTag(), u.count(),
                    lapsed ? ProductInstance.AUTHORIZATION_EXPIRED : u.status())).toList();
        }
    }

    /** One tag a device uses: how many, and the status of that use. */
    public record Usage(String entitlementTag, long quantity, String status) {}

    /** A page of devices. */
    public record Page(long totalRecords, List<Device> devices) {}

    public Page list(String account, String virtualAccount, String status, String q, int limit, int offset) {
        if (status != null && !STATUSES.contains(status)) {
            throw new ClientError.BadRequest("status", "status must be one of " + STATUSES + ", not '" + status + "'");
        }
        // Case-insensitive, and a plain substring: LIKE's wildcards and escape are dropped rather than matched.
        String search = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT)
                .replace("\\", "").replace("%", "").replace("_", "");
        return store.read(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            Instant now = clock.instant();
            InstanceList.Page page = tx.instanceList().page(va.id(), status, search, now, limit, offset);
            return new Page(page.totalRecords(), withUsage(tx, va, page.instances(), now));
        });
    }

    public Device get(String account, String virtualAccount, String piid) {
        return store.read(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            ProductInstance instance = find(tx, va, piid);
            return withUsage(tx, va, List.of(instance), clock.instant()).get(0);
        });
    }

    /** Moves an instance, and the licenses it uses, to another virtual account of the same smart account. */
    public Device transfer(String account, String virtualAccount, String piid, String targetVirtualAccount) {
        return store.write(tx -> {
            Instant now = clock.instant();
            VirtualAccount source = Accounts.virtualAccount(tx, account, virtualAccount);
            VirtualAccount target = Accounts.virtualAccount(tx, account, targetVirtualAccount);
            ProductInstance instance = find(tx, source, piid);
            if (target.id() == source.id()) {
                throw new ClientError.Unprocessable("targetVirtualAccount",
                        "targetVirtualAccount must differ from the instance's virtual account '" + source.name() + "'");
            }
            if (instance.reserved()) {
                reservations.move(tx, instance, target, now);
            } else {
                compliance.move(tx, instance, target.id(), now);
            }
            tx.instances().moveTo(target.id(), instance.id());
            String message = (instance.reserved() ? "Reservation of " : "Product instance ") + instance.udi() + " transferred from '" + source.name() + "' to '"
                    + target.name() + "'";
            Events.record(tx, now, EventType.INSTANCE_TRANSFERRED, source, piid, message);
            Events.record(tx, now, EventType.INSTANCE_TRANSFERRED, target, piid, message);
            ProductInstance moved = tx.instances().byPiid(piid).orElseThrow();
            return withUsage(tx, target, List.of(moved), now).get(0);
        });
    }

    /** Removes an instance: its licenses are released, its certificate revoked; its next message is INSTANCE_UNKNOWN. */
    public void remove(String account, String virtualAccount, String piid) {
        store.write(tx -> {
            Instant now = clock.instant();
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            ProductInstance instance = find(tx, va, piid);
            if (instance.reserved()) {
                throw new ClientError.Conflict("product instance " + piid + " (" + instance.udi() + ") holds a Specific"
                        + " License Reservation; remove it with POST .../devices/" + piid + "/remove and the device's"
                        + " return code");
            }
            Registrations.retire(tx, instance, "removed", now, compliance);
            Events.record(tx, now, EventType.INSTANCE_REMOVED, va, piid, "Product instance " + instance.udi() + " removed");
            return null;
        });
    }

    private static ProductInstance find(Tx tx, VirtualAccount va, String piid) {
        return tx.instances().byPiid(piid).filter(i -> i.virtualAccountId() == va.id())
                .orElseThrow(() -> new ClientError.NotFound("no product instance " + piid + " in virtual account '"
                        + va.name() + "'"));
    }

    private static List<Device> withUsage(Tx tx, VirtualAccount va, List<ProductInstance> instances, Instant now) {
        if (instances.isEmpty()) {
            return List.of();
        }
        Map<Long, List<UsageDao.UsageRow>> usage = new LinkedHashMap<>();
        for (UsageDao.UsageRow row : tx.usage().rowsOf(instances.stream().map(ProductInstance::id).toList())) {
            usage.computeIfAbsent(row.instanceId(), k -> new ArrayList<>()).add(row);
        }
        Map<Long, Reservation> reserved = Reservation.of(tx, instances);
        return instances.stream().map(i -> new Device(i, va.name(), usage.getOrDefault(i.id(), List.of()),
                reserved.get(i.id()), now)).toList();
    }
}
