package dev.smartsat.reservation;

import dev.smartsat.config.Catalog;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Compliance;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.InstanceDao;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.ReservationDao;
import dev.smartsat.store.ReservationDao.Codes;
import dev.smartsat.store.ReservationDao.Held;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Specific License Reservation on the satellite (SPEC §5): reserving licenses for devices that never talk
 * to it, updating a reservation against the device's confirmation code, and taking it back against the
 * device's return code. A reservation never exceeds a pool's balance, and every call is all or nothing.
 */
public final class Reservations {
    public static final String SPECIFIC = "SPECIFIC";
    public static final String SUCCESS = "SUCCESS";
    public static final String ERROR = "ERROR";
    /** Reserved instances never lapse: their expiry instants lie here. */
    public static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

    private final Store store;
    private final Clock clock;
    private final Catalog catalog;
    private final Compliance compliance;
    private final PrivateKey signingKey;

    public Reservations(Store store, Clock clock, Catalog catalog, Compliance compliance, PrivateKey signingKey) {
        this.store = store;
        this.clock = clock;
        this.catalog = catalog;
        this.compliance = compliance;
        this.signingKey = signingKey;
    }

    /** A quantity of one tag to reserve. */
    public record Line(String entitlementTag, long quantity) {}

    /** One reservation request of a reserve-licenses call. */
    public record Request(String reservationCode, String reservationType, List<Line> licenses) {}

    /** What became of one request: its authorization code, or why it failed. */
    public record Outcome(String reservationCode, String productInstanceIdentifier, String udi,
                          String authorizationCode, String status, String statusMessage) {}

    /** The answer to a reserve-licenses call; {@code httpStatus} 200 when everything was reserved. */
    public record Result(int httpStatus, List<Outcome> outcomes, String message) {
        public boolean success() {
            return httpStatus == 200;
        }
    }

    /** An update's new authorization code, awaiting the device's confirmation code. */
    public record Update(String productInstanceIdentifier, String authorizationCode, String status) {}

    /** A request that passed the checks needing no database, with the problem found, if any, and its status. */
    private static final class Checked {
        final Request request;
        RequestCode code;
        String problem;
        int status = 200;

        Checked(Request request) {
            this.request = request;
        }

        void fail(int httpStatus, String message) {
            if (problem == null) {
                problem = message;
                status = httpStatus;
            }
        }
    }

    /** Reserves licenses for several devices at once: all of them, or none with each failing request explained. */
    public Result reserve(String account, String virtualAccount, List<Request> requests) {
        if (requests.isEmpty()) {
            throw new ClientError.Unprocessable("reservationRequests",
                    "reservationRequests must hold at least one reservation request");
        }
        List<Checked> checked = requests.stream().map(Reservations::check).toList();
        return store.write(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            Instant now = clock.instant();
            PoolLedger ledger = new PoolLedger(tx, va, now, catalog, compliance);
            Set<String> udis = new HashSet<>();
            InstanceDao instances = tx.instances();
            for (Checked c : checked) {
                if (c.problem != null) {
                    continue;
                }
                if (!udis.add(c.code.udi())) {
                    c.fail(409, "UDI " + c.code.udi() + " appears twice in this call; reserve for it once");
                    continue;
                }
                Optional<ProductInstance> existing = instances.byUdi(c.code.pid(), c.code.serial());
                if (existing.isPresent()) {
                    c.fail(409, existing.get().reserved()
                            ? "UDI " + c.code.udi() + " already holds a reservation (product instance "
                                    + existing.get().piid() + "); update that reservation instead"
                            : "UDI " + c.code.udi() + " is registered for Smart Licensing (product instance "
                                    + existing.get().piid() + "); deregister or remove it before reserving");
                    continue;
                }
                for (Line line : c.request.licenses()) {
                    String problem = ledger.take(line.entitlementTag(), line.quantity(), 0);
                    if (problem != null) {
                        c.fail(422, problem);
                    }
                }
            }
            List<Checked> failed = checked.stream().filter(c -> c.problem != null).toList();
            if (!failed.isEmpty()) {
                int status = failed.stream().anyMatch(c -> c.status == 409) ? 409 : 422;
                List<Outcome> outcomes = checked.stream().map(c -> new Outcome(c.request.reservationCode(), null,
                        c.code == null ? null : c.code.udi(), null, ERROR, c.problem != null ? c.problem
                        : "not reserved: another request of this call failed, and a call reserves all or nothing"))
                        .toList();
                return new Result(status, outcomes, failed.size() + " of " + checked.size()
                        + " reservation requests failed; nothing was reserved: " + failed.get(0).problem);
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Checked c : checked) {
                outcomes.add(create(tx, va, c, now));
            }
            return new Result(200, outcomes, "reserved licenses for " + outcomes.size() + " product instance"
                    + (outcomes.size() == 1 ? "" : "s"));
        });
    }

    private Outcome create(Tx tx, VirtualAccount va, Checked c, Instant now) {
        String piid = UUID.randomUUID().toString();
        long timestamp = now.toEpochMilli();
        AuthorizationCode code = sign(tx, va, piid, timestamp, c.request.licenses(), c.code.udi(), now);
        ReservationDao reservations = tx.reservations();
        long id = reservations.insertInstance(piid, va.id(), c.code.pid(), c.code.serial(), now, NEVER,
                c.code.text(), code.text(), timestamp);
        for (Line line : c.request.licenses()) {
            reservations.insertHeld(id, va.id(), line.entitlementTag(), line.quantity(), null);
        }
        Events.record(tx, now, EventType.RESERVATION_CREATED, va, piid, "Reserved " + describe(tx, va,
                c.request.licenses()) + " for " + c.code.udi());
        return new Outcome(c.request.reservationCode(), piid, c.code.udi(), code.text(), SUCCESS,
                "Reservation created; enter the authorization code on the device");
    }

    /** The checks of one request that need no database: the code, the type, the lines. */
    private static Checked check(Request r) {
        Checked c = new Checked(r);
        try {
            c.code = RequestCode.parse(r.reservationCode());
        } catch (InvalidCodeException e) {
            c.fail(422, "reservationCode '" + shown(r.reservationCode()) + "' is not a valid request code: "
                    + e.getMessage());
        }
        if (r.reservationType() != null && !SPECIFIC.equals(r.reservationType())) {
            c.fail(422, "reservationType must be SPECIFIC, not '" + shown(r.reservationType()) + "'");
        }
        String problem = checkLines(r.licenses());
        if (problem != null) {
            c.fail(422, problem);
        }
        return c;
    }

    private static String checkLines(List<Line> lines) {
        if (lines.isEmpty()) {
            return "licenses must name at least one entitlementTag and quantity";
        }
        Set<String> tags = new HashSet<>();
        for (Line line : lines) {
            if (line.quantity() < 1) {
                return "quantity of " + shown(line.entitlementTag()) + " must be at least 1, not " + line.quantity();
            }
            if (!tags.add(line.entitlementTag())) {
                return "entitlementTag " + shown(line.entitlementTag()) + " is listed twice; give its total quantity once";
            }
        }
        return null;
    }

    /**
     * Changes a reservation's quantities (the whole new set): a new authorization code with a newer timestamp,
     * and the reservation PENDING_CONFIRMATION, holding the larger of old and new quantities until confirmed.
     */
    public Update update(String account, String virtualAccount, String piid, List<Line> licenses) {
        String problem = checkLines(licenses);
        if (problem != null) {
            throw new ClientError.Unprocessable("licenses", problem);
        }
        return onReserved(account, virtualAccount, piid, (tx, now, va, instance, codes, reservations) -> {
            Map<String, Held> held = new LinkedHashMap<>();
            reservations.held(instance.id()).forEach(r -> held.put(r.entitlementTag(), r));
            PoolLedger ledger = new PoolLedger(tx, va, now, catalog, compliance);
            for (Line line : licenses) {
                Held current = held.get(line.entitlementTag());
                long inForce = current == null ? 0 : current.count();
                long holds = current == null ? 0 : current.holds();
                String refused = ledger.take(line.entitlementTag(), Math.max(inForce, line.quantity()), holds);
                if (refused != null) {
                    throw new ClientError.Unprocessable("licenses", refused);
                }
            }
            // A previous update still awaiting confirmation is replaced by this one.
            for (Held r : held.values()) {
                if (r.count() == 0) {
                    reservations.deleteHeld(instance.id(), r.entitlementTag());
                } else {
                    Long next = licenses.stream().filter(l -> l.entitlementTag().equals(r.entitlementTag()))
                            .map(Line::quantity).findFirst().orElse(0L);
                    reservations.setPendingCount(next, instance.id(), r.entitlementTag());
                }
            }
            for (Line line : licenses) {
                Held r = held.get(line.entitlementTag());
                if (r == null || r.count() == 0) {
                    reservations.insertHeld(instance.id(), va.id(), line.entitlementTag(), 0, line.quantity());
                }
            }
            long latest = Math.max(codes.reservationTimestamp() == null ? 0 : codes.reservationTimestamp(),
                    codes.pendingReservationTimestamp() == null ? 0 : codes.pendingReservationTimestamp());
            long timestamp = Math.max(now.toEpochMilli(), latest + 1);
            AuthorizationCode code = sign(tx, va, piid, timestamp, licenses, instance.udi(), now);
            reservations.setPending(code.text(), timestamp, instance.id());
            Events.record(tx, now, EventType.RESERVATION_UPDATED, va, piid, "Reservation of " + instance.udi()
                    + " updated to " + describe(tx, va, licenses) + "; awaiting the device's confirmation code");
            return new Update(piid, code.text(), ProductInstance.PENDING_CONFIRMATION);
        });
    }

    /** Confirms an update with the code the device showed when it installed it; the new quantities take effect. */
    public void confirm(String account, String virtualAccount, String piid, String confirmationCode) {
        onReserved(account, virtualAccount, piid, (tx, now, va, instance, codes, reservations) -> {
            if (codes.pendingReservationCode() == null) {
                throw new ClientError.Conflict("the reservation of " + instance.udi()
                        + " has no update awaiting confirmation");
            }
            String expected = AuthorizationCode.parse(codes.pendingReservationCode()).confirmationCode();
            String typed = confirmationCode.strip().toLowerCase(Locale.ROOT);
            if (!expected.equals(typed)) {
                throw new ClientError.Unprocessable("confirmationCode", "confirmationCode '" + shown(confirmationCode)
                        + "' is not the one the device shows after installing the updated authorization code;"
                        + " install that code on the device and copy the 8 characters it shows");
            }
            reservations.confirmCounts(instance.id());
            reservations.dropEmpty(instance.id());
            reservations.confirmCodes(now, instance.id());
            Events.record(tx, now, EventType.RESERVATION_CONFIRMED, va, piid, "Reservation update of " + instance.udi()
                    + " confirmed with code " + expected);
            return null;
        });
    }

    /** Takes a reservation back with the device's return code: its licenses go back to the pool, the instance away. */
    public void remove(String account, String virtualAccount, String piid, String returnCode) {
        onReserved(account, virtualAccount, piid, (tx, now, va, instance, codes, reservations) -> {
            boolean matches = Optional.ofNullable(codes.reservationTimestamp())
                    .map(t -> ReturnCode.matches(returnCode, piid, instance.udi(), t)).orElse(false)
                    || Optional.ofNullable(codes.pendingReservationTimestamp())
                    .map(t -> ReturnCode.matches(returnCode, piid, instance.udi(), t)).orElse(false);
            if (!matches) {
                throw new ClientError.Unprocessable("returnCode", "returnCode does not match the reservation of "
                        + instance.udi() + "; it is the 57-character code the device shows when it returns"
                        + " the reservation");
            }
            List<Held> held = reservations.held(instance.id());
            tx.instances().delete(instance.id());
            Events.record(tx, now, EventType.RESERVATION_RETURNED, va, piid, "Reservation of " + instance.udi()
                    + " returned; released " + describe(tx, va, held.stream()
                    .map(r -> new Line(r.entitlementTag(), r.holds())).toList()));
            return null;
        });
    }

    /** What a write does to a reserved instance, given the instance, its virtual account and its codes. */
    @FunctionalInterface
    private interface ReservedChange<T> {
        T apply(Tx tx, Instant now, VirtualAccount va, ProductInstance instance, Codes codes,
                ReservationDao reservations);
    }

    /** One write on the reserved instance {@code piid} of a virtual account (404 when absent, 409 when not reserved). */
    private <T> T onReserved(String account, String virtualAccount, String piid, ReservedChange<T> change) {
        return store.write(tx -> {
            Instant now = clock.instant();
            Reservation.Reserved target = Reservation.find(tx, account, virtualAccount, piid);
            return change.apply(tx, now, target.va(), target.instance(), target.codes(),
                    tx.reservations());
        });
    }

    /**
     * Moves a reserved instance to another virtual account of the same smart account, which must have the
     * balance for everything the reservation holds (409 otherwise).
     */
    public void move(Tx tx, ProductInstance instance, VirtualAccount target, Instant now) {
        ReservationDao reservations = tx.reservations();
        PoolLedger ledger = new PoolLedger(tx, target, now, catalog, compliance);
        for (Held r : reservations.held(instance.id())) {
            String refused = ledger.take(r.entitlementTag(), r.holds(), 0);
            if (refused != null) {
                throw new ClientError.Conflict("targetVirtualAccount", "cannot move the reservation of "
                        + instance.udi() + ": " + refused);
            }
        }
        reservations.moveTo(target.id(), instance.id());
    }

    private AuthorizationCode sign(Tx tx, VirtualAccount va, String piid, long timestamp, List<Line> lines,
                                   String udi, Instant now) {
        LicensePoolDao pools = tx.pools();
        List<AuthorizationCode.Entitlement> entitlements = new ArrayList<>();
        for (Line line : lines) {
            Optional<LicensePool> pool = pools.pool(va.id(), line.entitlementTag());
            String name = pool.map(LicensePool::displayName).orElseGet(() -> compliance.displayName(line.entitlementTag()));
            String description = catalog.byTag(line.entitlementTag()).map(Catalog.Entitlement::description)
                    .filter(d -> d != null && !d.isBlank()).orElse(name);
            String type = pool.map(LicensePool::licenseType).orElse("PERPETUAL");
            boolean term = "TERM".equals(type);
            String end = pool.map(LicensePool::endDate).map(LocalDate::toString).orElse("");
            entitlements.add(new AuthorizationCode.Entitlement(line.entitlementTag(), line.quantity(),
                    term ? LocalDate.ofInstant(now, ZoneOffset.UTC).toString() : "", term ? end : "", type, name,
                    description, ""));
        }
        return AuthorizationCode.sign(piid, timestamp, entitlements, udi, signingKey);
    }

    /** A value a caller sent, cut short for an error message (a code can be pasted with a whole page around it). */
    static String shown(String value) {
        return value == null || value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }

    private String describe(Tx tx, VirtualAccount va, List<Line> lines) {
        LicensePoolDao pools = tx.pools();
        List<String> parts = new ArrayList<>();
        for (Line line : lines) {
            String name = pools.pool(va.id(), line.entitlementTag()).map(LicensePool::displayName)
                    .orElseGet(() -> compliance.displayName(line.entitlementTag()));
            parts.add(line.quantity() + " × " + name);
        }
        return String.join(", ", parts);
    }
}
