package dev.smartsat.sim;

import dev.smartsat.core.ClientError;
import java.util.Random;

/**
 * Injected failures and delays (SPEC §9) for the device transport and the upstream calls. Which
 * requests fail is drawn from a generator seeded by {@code simulation.seed}, re-seeded whenever the
 * faults are set, so the same sequence of requests fails the same way in every run.
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

    private final long seed;
    private Random random;
    private Rule transport = Rule.NONE;
    private Rule upstream = Rule.NONE;

    public Faults(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public synchronized void set(Rule transport, Rule upstream) {
        this.transport = transport == null ? Rule.NONE : transport;
        this.upstream = upstream == null ? Rule.NONE : upstream;
        this.random = new Random(seed);
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

    private Decision decide(Rule rule) {
        if (rule.failRate() <= 0 && rule.delayMs() <= 0) {
            return new Decision(false, 200, 0);
        }
        boolean fail = rule.failRate() > 0 && random.nextDouble() < rule.failRate();
        return new Decision(fail, rule.status(), rule.delayMs());
    }
}
