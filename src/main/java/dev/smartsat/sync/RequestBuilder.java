package dev.smartsat.sync;

import dev.smartsat.core.SyncState;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.SyncDao;
import dev.smartsat.store.SyncDao.ReservationLine;
import dev.smartsat.store.SyncDao.UsageLine;
import dev.smartsat.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads what a sync request reports from the satellite's store, in one snapshot. */
final class RequestBuilder {
    static final String VERSION = "1.0";

    private final Licenses.Usage usage;

    RequestBuilder(Licenses.Usage usage) {
        this.usage = usage;
    }

    /** The one smart account a satellite serves. */
    static SmartAccount satelliteAccount(Tx tx) {
        List<SmartAccount> accounts = tx.accounts().accounts();
        if (accounts.size() != 1) {
            throw new ClientError.Conflict("a satellite synchronizes one smart account, and this one holds "
                    + accounts.size());
        }
        return accounts.get(0);
    }

    SyncRequest build(Tx tx, SyncState state, Instant now) {
        SmartAccount account = satelliteAccount(tx);
        SyncDao dao = tx.sync();
        Map<Long, List<SyncRequest.LicenseUsage>> usageByInstance = new HashMap<>();
        for (UsageLine line : dao.usage(account.id())) {
            usageByInstance.computeIfAbsent(line.instanceId(), k -> new ArrayList<>())
                    .add(new SyncRequest.LicenseUsage(line.entitlementTag(), line.count(), line.status()));
        }
        Map<Long, List<SyncRequest.Instance>> instances = new HashMap<>();
        for (ProductInstance pi : dao.instances(account.id())) {
            instances.computeIfAbsent(pi.virtualAccountId(), k -> new ArrayList<>()).add(new SyncRequest.Instance(
                    pi.piid(), pi.udiPid(), pi.udiSerial(), pi.hostname(), pi.registeredAt(), pi.lastContactAt(),
                    pi.registrationStatus(now), pi.authorizationStatus(now),
                    usageByInstance.getOrDefault(pi.id(), List.of())));
        }
        Map<Long, List<SyncRequest.Reservation>> reservations = reservations(dao.reservations(account.id()));
        List<SyncRequest.VirtualAccountReport> reports = new ArrayList<>();
        for (VirtualAccount va : tx.accounts().virtualAccounts(account.id(), Integer.MAX_VALUE, 0)) {
            List<SyncRequest.Usage> pools = new ArrayList<>();
            usage.of(tx, va.id(), now).forEach((tag, u) -> pools.add(new SyncRequest.Usage(tag, u[0], u[1])));
            reports.add(new SyncRequest.VirtualAccountReport(va.name(), va.description(),
                    instances.getOrDefault(va.id(), List.of()), pools, reservations.getOrDefault(va.id(), List.of())));
        }
        List<SyncRequest.Transfer> transfers = dao.transfersAfter(state.transfersAcknowledged(), account.id()).stream()
                .map(t -> new SyncRequest.Transfer(t.id(), t.time(), t.fromName(), t.toName(), t.entitlementTag(),
                        t.quantity()))
                .toList();
        return new SyncRequest(SyncRequest.TYPE, VERSION, state.satelliteId(), state.lastSequenceIssued(),
                account.name(), now, reports, transfers);
    }

    /** Reservations by virtual account, each with the tags it holds (rows come ordered by reservation). */
    private static Map<Long, List<SyncRequest.Reservation>> reservations(List<ReservationLine> lines) {
        Map<Long, List<SyncRequest.Reservation>> byVa = new HashMap<>();
        ReservationLine current = null;
        List<SyncRequest.ReservedLicense> licenses = new ArrayList<>();
        for (ReservationLine line : lines) {
            if (current != null && current.id() != line.id()) {
                addReservation(byVa, current, licenses);
                licenses = new ArrayList<>();
            }
            current = line;
            if (line.entitlementTag() != null) {
                licenses.add(new SyncRequest.ReservedLicense(line.entitlementTag(),
                        line.count() == null ? 0 : line.count(), line.pendingCount()));
            }
        }
        if (current != null) {
            addReservation(byVa, current, licenses);
        }
        return byVa;
    }

    private static void addReservation(Map<Long, List<SyncRequest.Reservation>> byVa, ReservationLine line,
                                       List<SyncRequest.ReservedLicense> licenses) {
        byVa.computeIfAbsent(line.virtualAccountId(), k -> new ArrayList<>()).add(new SyncRequest.Reservation(
                line.piid(), line.udiPid(), line.udiSerial(), line.reservationStatus(), List.copyOf(licenses)));
    }
}
