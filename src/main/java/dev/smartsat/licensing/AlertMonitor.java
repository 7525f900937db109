package dev.smartsat.licensing;

import dev.smartsat.core.AlertType;
import dev.smartsat.core.EventType;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AlertDao;
import dev.smartsat.store.LeaseDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises and clears the alerts of SPEC §12 by the server clock. One thread evaluates: after a nudge (coalesced: a
 * burst of nudges is one evaluation) and on a periodic tick, so device messages, which only change usage, never wait
 * for it. An evaluation reads the conditions with a few aggregate queries in a read transaction, and only when an
 * alert starts, ends or changes does it write — the alerts, their events and their mail in one transaction.
 */
public final class AlertMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertMonitor.class);
    /** LICENSES_EXPIRING's thresholds, in days before the end date, largest first. */
    static final int[] THRESHOLDS = {90, 60, 30, 14, 7, 3, 1};
    static final Duration SYNC_OVERDUE_AFTER = Duration.ofDays(30);

    private final Store store;
    private final Clock clock;
    private final Licenses licenses;
    private final boolean satellite;
    private final AlertMail mail;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Map<AlertType, Long> activeByType = counts(List.of());

    /** What an evaluation changed. */
    public record Changes(int raised, int cleared, int updated) {}

    /** An alert's condition holds: the alert that should be active for it. */
    record Condition(AlertType type, VirtualAccount va, String tag, Integer thresholdDays, String message) {
        String key() {
            return key(type.name(), va == null ? null : va.id(), tag);
        }

        static String key(String type, Long vaId, String tag) {
            return type + '|' + vaId + '|' + tag;
        }
    }

    /**
     * {@code satellite}: the satellite role, the only one whose synchronization can be overdue; {@code mail}: what
     * each raise also mails, {@link AlertMail#NONE} for nothing.
     */
    public AlertMonitor(Store store, Clock clock, Licenses licenses, boolean satellite, AlertMail mail) {
        this.store = store;
        this.clock = clock;
        this.licenses = licenses;
        this.satellite = satellite;
        this.mail = mail;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smartsat-alerts");
            t.setDaemon(true);
            return t;
        });
    }

    /** Notes the first start (SYNC_OVERDUE's baseline), evaluates at once, then every {@code tick}. */
    public void start(Duration tick) {
        if (satellite) {
            store.write(tx -> {
                tx.alerts().markFirstStart(clock.instant());
                return null;
            });
        }
        executor.scheduleWithFixedDelay(this::evaluateQuietly, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for an evaluation soon; never blocks, and nudges that arrive while one is queued share it. */
    public void nudge() {
        if (pending.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    pending.set(false);
                    evaluateQuietly();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pending.set(false);  // shutting down
            }
        }
    }

    /** Active alerts of a type, as of the last evaluation: the metrics' gauge. */
    public long active(AlertType type) {
        return activeByType.getOrDefault(type, 0L);
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            log.warn("evaluating alerts failed (the next tick retries): {}", e.toString());
        }
    }

    /** One evaluation: reads every condition, then raises, clears and updates what differs. */
    public synchronized Changes evaluate() {
        Instant now = clock.instant();
        record Snapshot(Map<String, Condition> wanted, List<AlertDao.Active> active) {}
        Snapshot s = store.read(tx -> new Snapshot(conditions(tx, now), tx.alerts().active()));
        List<AlertDao.Active> clear = new ArrayList<>();
        List<AlertDao.Active> update = new ArrayList<>();
        Map<String, Condition> raise = new LinkedHashMap<>(s.wanted());
        for (AlertDao.Active a : s.active()) {
            String key = Condition.key(a.type(), a.virtualAccountId(), a.entitlementTag());
            Condition c = raise.get(key);
            if (c == null || !java.util.Objects.equals(c.thresholdDays(), a.thresholdDays())) {
                clear.add(a);  // ended, or an expiring pool crossed its next threshold: cleared, and raised anew
            } else {
                raise.remove(key);
                if (!c.message().equals(a.message())) {
                    update.add(new AlertDao.Active(a.id(), a.type(), a.virtualAccountId(), a.entitlementTag(),
                            a.thresholdDays(), c.message()));
                }
            }
        }
        activeByType = counts(s.wanted().values());
        if (clear.isEmpty() && raise.isEmpty() && update.isEmpty()) {
            return new Changes(0, 0, 0);
        }
        Map<Long, VirtualAccount> vas = new HashMap<>();
        s.wanted().values().forEach(c -> {
            if (c.va() != null) {
                vas.put(c.va().id(), c.va());
            }
        });
        int raised = store.write(tx -> {
            // Every node evaluates (SPEC §10): under this lock a node that evaluated at the same moment as another
            // writes after it, and sees what it raised and cleared, so each alert is raised, and mailed, once.
            tx.leases().lock(LeaseDao.ALERTS);
            AlertDao dao = tx.alerts();
            for (AlertDao.Active a : clear) {
                if (dao.clear(now, a.id()) == 1) {
                    VirtualAccount va = a.virtualAccountId() == null ? null
                            : vas.computeIfAbsent(a.virtualAccountId(), id -> tx.accounts().virtualAccountById(id).orElse(null));
                    record(tx, now, EventType.ALERT_CLEARED, va, "Cleared " + a.type() + ": " + a.message());
                }
            }
            for (AlertDao.Active a : update) {
                dao.updateMessage(a.message(), a.id());
            }
            Set<String> activeNow = new HashSet<>();
            for (AlertDao.Active a : dao.active()) {
                activeNow.add(Condition.key(a.type(), a.virtualAccountId(), a.entitlementTag()));
            }
            int count = 0;
            for (Condition c : raise.values()) {
                if (!activeNow.add(c.key())) {
                    continue;  // raised by another node since this one read
                }
                count++;
                long id = dao.insert(c.type().name(), c.type().severity().name(), c.va() == null ? null : c.va().id(),
                        null, c.tag(), c.thresholdDays(), c.message(), now);
                record(tx, now, EventType.ALERT_RAISED, c.va(), c.type() + " (" + c.type().severity() + "): " + c.message());
                mail.enqueue(tx, id, c, now);
            }
            return count;
        });
        if (raised > 0) {
            mail.nudge();
        }
        return new Changes(raised, clear.size(), update.size());
    }

    private static void record(Tx tx, Instant now, EventType type, VirtualAccount va, String message) {
        if (va == null) {
            Events.recordGlobal(tx, now, type, message);
        } else {
            Events.record(tx, now, type, va, null, message);
        }
    }

    /** Every alert condition that holds at {@code now}, by its key. */
    Map<String, Condition> conditions(Tx tx, Instant now) {
        Map<String, Condition> out = new LinkedHashMap<>();
        Map<Long, VirtualAccount> vas = new HashMap<>();
        for (SmartAccount sa : tx.accounts().accounts()) {
            for (VirtualAccount va : tx.accounts().virtualAccounts(sa.id(), Integer.MAX_VALUE, 0)) {
                vas.put(va.id(), va);
                for (LicenseView v : licenses.views(tx, va)) {
                    if (v.balance() < 0) {
                        add(out, new Condition(AlertType.INSUFFICIENT_LICENSES, va, v.entitlementTag(), null,
                                "'" + v.license() + "' in '" + va.name() + "' is short of " + -v.balance()
                                        + " license(s): " + v.quantity() + " held, " + v.inUse() + " in use, "
                                        + v.reserved() + " reserved"));
                    }
                }
            }
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (LicensePool pool : tx.alerts().datedPools()) {
            VirtualAccount va = vas.get(pool.virtualAccountId());
            if (va == null || pool.quantity() <= 0) {
                continue;  // an emptied pool has nothing left to expire
            }
            long days = ChronoUnit.DAYS.between(today, pool.endDate());
            if (days < 0) {
                add(out, new Condition(AlertType.LICENSES_EXPIRED, va, pool.entitlementTag(), null,
                        pool.quantity() + " '" + pool.displayName() + "' license(s) in '" + va.name() + "' expired on "
                                + pool.endDate()));
            } else if (days <= THRESHOLDS[0]) {
                int threshold = threshold(days);
                add(out, new Condition(AlertType.LICENSES_EXPIRING, va, pool.entitlementTag(), threshold,
                        pool.quantity() + " '" + pool.displayName() + "' license(s) in '" + va.name() + "' expire on "
                                + pool.endDate() + ", within " + threshold + " day(s)"));
            }
        }
        for (AlertDao.Lapsed lapsed : tx.alerts().lapsed(now)) {
            VirtualAccount va = vas.get(lapsed.virtualAccountId());
            if (va != null) {
                add(out, new Condition(AlertType.PRODUCT_FAILED_TO_CONNECT, va, null, null, lapsed.count()
                        + " product instance(s) in '" + va.name() + "' have sent no authorization request for 90 days"));
            }
        }
        if (satellite) {
            tx.alerts().syncBaseline().filter(since -> !now.isBefore(since.plus(SYNC_OVERDUE_AFTER))).ifPresent(since ->
                    add(out, new Condition(AlertType.SYNC_OVERDUE, null, null, null,
                            "No successful synchronization with the upstream since " + since)));
        }
        return out;
    }

    /** The nearest threshold reached: a pool ending in 10 days is at 14. */
    static int threshold(long daysLeft) {
        int reached = THRESHOLDS[0];
        for (int t : THRESHOLDS) {
            if (daysLeft <= t) {
                reached = t;
            }
        }
        return reached;
    }

    private static void add(Map<String, Condition> out, Condition c) {
        out.put(c.key(), c);
    }

    private static Map<AlertType, Long> counts(java.util.Collection<Condition> conditions) {
        Map<AlertType, Long> counts = new EnumMap<>(AlertType.class);
        for (AlertType t : AlertType.values()) {
            counts.put(t, 0L);
        }
        conditions.forEach(c -> counts.merge(c.type(), 1L, Long::sum));
        return counts;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
