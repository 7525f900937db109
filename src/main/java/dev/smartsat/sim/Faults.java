package dev.smartsat.sim;

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
