package dev.smartsat.sync;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smartsat.core.SyncState;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Licenses;
import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.SyncDao;
import dev.smartsat.store.SyncDao.InstanceLine;
import dev.smartsat.store.SyncDao.ReservationLine;
import dev.smartsat.store.Tx;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Writes what a sync request reports from the satellite's store, in one snapshot, as it reads it. */
final class RequestBuilder {
    static final String VERSION = "1.0";
    /** Values written into a request as it streams: no flush after each, which would reach the file every time. */
    private static final ObjectWriter VALUES = SyncJson.MAPPER.writer()
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

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

    /**
     * Writes the request's payload (a {@link SyncRequest}, field by field) to {@code out} as it reads the store: one
     * instance at a time, so a million instances take no more memory than one. {@code out} is not closed.
     */
    void write(Tx tx, SyncState state, Instant now, OutputStream out) throws IOException {
        SmartAccount account = satelliteAccount(tx);
        SyncDao dao = tx.sync();
        Map<Long, List<SyncRequest.Reservation>> reservations = reservations(dao.reservations(account.id()));
        List<SyncRequest.Transfer> transfers = dao.transfersAfter(state.transfersAcknowledged(), account.id()).stream()
                .map(t -> new SyncRequest.Transfer(t.id(), t.time(), t.fromName(), t.toName(), t.entitlementTag(),
                        t.quantity()))
                .toList();
        try (JsonGenerator g = SyncJson.MAPPER.getFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeStringField("type", SyncRequest.TYPE);
            g.writeStringField("version", VERSION);
            g.writeStringField("satelliteId", state.satelliteId());
            g.writeNumberField("sequence", state.lastSequenceIssued());
            g.writeStringField("smartAccount", account.name());
            value(g, "createdAt", now);
            g.writeArrayFieldStart("virtualAccounts");
            for (VirtualAccount va : tx.accounts().virtualAccounts(account.id(), Integer.MAX_VALUE, 0)) {
                g.writeStartObject();
                g.writeStringField("name", va.name());
                value(g, "description", va.description());
                g.writeArrayFieldStart("instances");
                try (Stream<InstanceLine> lines = dao.instanceLines(va.id())) {
                    writeInstances(g, lines.iterator(), now);
                }
                g.writeEndArray();
                List<SyncRequest.Usage> pools = new ArrayList<>();
                usage.of(tx, va.id(), now).forEach((tag, u) -> pools.add(new SyncRequest.Usage(tag, u[0], u[1])));
                value(g, "usage", pools);
                value(g, "reservations", reservations.getOrDefault(va.id(), List.of()));
                g.writeEndObject();
            }
            g.writeEndArray();
            value(g, "transfers", transfers);
            g.writeEndObject();
        }
    }

    /** Each instance of consecutive lines (one per tag it reported), as SyncRequest.Instance. */
    private static void writeInstances(JsonGenerator g, Iterator<InstanceLine> lines, Instant now) throws IOException {
        ProductInstance current = null;
        List<SyncRequest.LicenseUsage> usage = new ArrayList<>();
        while (lines.hasNext()) {
            InstanceLine line = lines.next();
            if (current != null && current.id() != line.instance().id()) {
                VALUES.writeValue(g, instance(current, usage, now));
                usage = new ArrayList<>();
            }
            current = line.instance();
            if (line.entitlementTag() != null) {
                usage.add(new SyncRequest.LicenseUsage(line.entitlementTag(), line.count(), line.status()));
            }
        }
        if (current != null) {
            VALUES.writeValue(g, instance(current, usage, now));
        }
    }

    private static SyncRequest.Instance instance(ProductInstance pi, List<SyncRequest.LicenseUsage> usage, Instant now) {
        return new SyncRequest.Instance(pi.piid(), pi.udiPid(), pi.udiSerial(), pi.hostname(), pi.registeredAt(),
                pi.lastContactAt(), pi.registrationStatus(now), pi.authorizationStatus(now), usage);
    }

    private static void value(JsonGenerator g, String field, Object value) throws IOException {
        g.writeFieldName(field);
        VALUES.writeValue(g, value);
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
