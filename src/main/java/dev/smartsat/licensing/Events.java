package dev.smartsat.licensing;

import dev.smartsat.core.Event;
import dev.smartsat.core.EventType;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.EventDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Records events inside the transaction of the change they describe, and reads them back. */
public final class Events {
    private final Store store;
    private final Clock clock;

    public Events(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A page of events, newest first. */
    public record Page(long totalRecords, List<Event> events) {}

    /** Events filter: a null field matches everything; a null account means every account (admin). */
    public record Filter(SmartAccount account, VirtualAccount virtualAccount, EventType type, Instant since) {}

    public static void record(Tx tx, Instant time, EventType type, VirtualAccount va, String piid,
                              String message) {
        tx.events().insert(time, type.name(), va == null ? null : va.accountId(),
                va == null ? null : va.id(), piid, message);
    }

    /**
     * {@link #record} for a virtual account known only by its id, without reading it first: one statement on a hot
     * path (an authorization whose status changed) instead of two.
     */
    public static void record(Tx tx, Instant time, EventType type, long virtualAccountId, String piid, String message) {
        if (tx.events().insertForVirtualAccount(time, type.name(), piid, message, virtualAccountId) != 1) {
            throw new IllegalStateException("no virtual account " + virtualAccountId + " for a " + type + " event");
        }
    }

    /** An event that belongs to no account, such as a client created or the clock moved. */
    public static void recordGlobal(Tx tx, Instant time, EventType type, String message) {
        tx.events().insert(time, type.name(), null, null, null, message);
    }

    public void recordGlobal(EventType type, String message) {
        store.write(tx -> {
            recordGlobal(tx, clock.instant(), type, message);
            return null;
        });
    }

    public Page find(Filter filter, int limit, int offset) {
        boolean all = filter.account() == null;
        Long accountId = all ? null : filter.account().id();
        Long vaId = filter.virtualAccount() == null ? null : filter.virtualAccount().id();
        String type = filter.type() == null ? null : filter.type().name();
        return store.read(tx -> {
            EventDao dao = tx.events();
            return new Page(dao.count(all, accountId, vaId, type, filter.since()),
                    dao.find(all, accountId, vaId, type, filter.since(), limit, offset));
        });
    }
}
