package dev.smartsat.agent;

import java.util.Arrays;

/** The p50/p95/p99 of a set of latencies in milliseconds, by the nearest-rank method (always an observed value). */
public record Percentiles(double p50, double p95, double p99) {

    /**
     * Percentiles of the non-negative entries of {@code nanos} (negative entries mark "not measured"), or null
     * when there are none.
     */
    public static Percentiles ofNanos(long[] nanos) {
        long[] measured = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
        if (measured.length == 0) {
            return null;
        }
        return new Percentiles(millis(nearestRank(measured, 50)), millis(nearestRank(measured, 95)),
                millis(nearestRank(measured, 99)));
    }

    /** The smallest sample with at least {@code percent}% of the samples at or below it; {@code sorted} ascending. */
    static long nearestRank(long[] sorted, double percent) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("a percentile is in (0, 100], not " + percent);
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** Milliseconds with microsecond precision: enough to tell 0.4 ms from 0.6 ms, no false digits. */
    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
