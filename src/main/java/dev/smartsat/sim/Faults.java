package dev.smartsat.sim;

import dev.smartsat.core.ClientError;
import dev.smartsat.store.FaultDao;
import dev.smartsat.store.Store;
import java.util.Random;

/**
 * Injected failures and delays (SPEC §9) for the device transport and the upstream calls. Which
 * requests fail is drawn from a generator seeded by {@code simulation.seed}, re-seeded whenever the
 * faults are set, so the same sequence of requests fails the same way in every run. The rules are stored
 * (SPEC §10: every node applies the faults set on any of them); the generator is this node's own, re-seeded
 * when this node sees a new version of the rules, whichever node set them.
 */
public final class Faults {
    /** One path's fault: the share of requests that fail, with which status, and a delay for all. */
    public record Rule(double failRate, int status, long delayMs) {
        public static final Rule NONE = new Rule(0, 503, 0);

        /**
         * The rule for path {@code name} ({@code transport} or {@code upstream}) as the management API and the
         * console take it, each value checked: a 422 naming the one out of range.
         */
        public static Rule checked(String name, double failRate, long status, long delayMs) {
            if (!(failRate >= 0 && failRate <= 1)) {
                throw new ClientError.Unprocessable(name + ".failRate", name + ".failRate must be from 0.0 to 1.0");
            }
            if (status < 400 || status > 599) {
                throw new ClientError.Unprocessable(name + ".status", name + ".status must be an HTTP error status, 400 to 599");
            }
            if (delayMs < 0 || delayMs > 60_000) {
                throw new ClientError.Unprocessable(name + ".delayMs", name + ".delayMs must be from 0 to 60000");
            }
            return new Rule(failRate, (int) status, delayMs);
        }

        /** The 400 for a failRate that is not a number. */
        public static ClientError failRateNotANumber(String name) {
            return new ClientError.BadRequest(name + ".failRate", name + ".failRate must be a number from 0.0 to 1.0");
        }
    }

    /** What to do with one request. */
    public record Decision(boolean fail, int status, long delayMs) {}

    private final Store store;
    private final long seed;
    private Random random;
    private Rule transport = Rule.NONE;
    private Rule upstream = Rule.NONE;
    /** The stored version these rules are; 0 before any was stored. */
    private long version;

    public Faults(Store store, long seed) {
        this.store = store;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Stores the rules for every node, then applies them here; null is no fault on that path. */
    public void set(Rule transport, Rule upstream) {
        Rule t = transport == null ? Rule.NONE : transport;
        Rule u = upstream == null ? Rule.NONE : upstream;
        FaultDao.FaultsRow stored = store.write(tx -> {
            tx.faults().save(t.failRate(), t.status(), t.delayMs(), u.failRate(), u.status(), u.delayMs());
            return tx.faults().current().orElseThrow();
        });
        apply(stored);
    }

    /**
     * Applies the stored rules if another node has set them since this one last looked. The read is made outside
     * the lock the requests' decisions take, so a refresh never holds up a device message; a refresh that read an
     * older version than {@link #set} just applied changes nothing, because versions only rise.
     */
    public void refresh() {
        store.read(tx -> tx.faults().current()).ifPresent(this::apply);
    }

    private synchronized void apply(FaultDao.FaultsRow row) {
        if (row.version() <= version) {
            return;
        }
        this.version = row.version();
        this.transport = new Rule(row.transportFailRate(), row.transportStatus(), row.transportDelayMs());
        this.upstream = new Rule(row.upstreamFailRate(), row.upstreamStatus(), row.upstreamDelayMs());
        this.random = new Random(seed);
    }

    /** Whether either path has a fault: what a start reports. */
    public synchronized boolean active() {
        return acts(transport) || acts(upstream);
    }

    public synchronized Rule transportRule() {
        return transport;
    }

    public synchronized Rule upstreamRule() {
        return upstream;
    }

    public synchronized Decision transport() {
        return decide(transport);
    }

    public synchronized Decision upstream() {
        return decide(upstream);
    }

    private static boolean acts(Rule rule) {
        return rule.failRate() > 0 || rule.delayMs() > 0;
    }

    private Decision decide(Rule rule) {
        if (!acts(rule)) {
            return new Decision(false, 200, 0);
        }
        boolean fail = rule.failRate() > 0 && random.nextDouble() < rule.failRate();
        return new Decision(fail, rule.status(), rule.delayMs());
    }
}
