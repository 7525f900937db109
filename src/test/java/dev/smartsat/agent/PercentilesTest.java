package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles over measured latencies. */
class PercentilesTest {
    @Test
    void nearestRankOnOneToHundred() {
        long[] sorted = LongStream.rangeClosed(1, 100).toArray();
        assertEquals(50, Percentiles.nearestRank(sorted, 50));
        assertEquals(95, Percentiles.nearestRank(sorted, 95));
        assertEquals(99, Percentiles.nearestRank(sorted, 99));
        assertEquals(100, Percentiles.nearestRank(sorted, 100));
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        Percentiles p = Percentiles.ofNanos(new long[] {2_500_000});
        assertEquals(new Percentiles(2.5, 2.5, 2.5), p);
    }

    @Test
    void smallSetsRoundUpToAnObservedValue() {
        long[] sorted = {10, 20, 30};
        assertEquals(20, Percentiles.nearestRank(sorted, 50));
        assertEquals(30, Percentiles.nearestRank(sorted, 95));
    }

    @Test
    void unmeasuredSlotsAreIgnoredAndOrderDoesNotMatter() {
        long[] nanos = {-1, 4_000_000, -1, 1_000_000, 3_000_000, 2_000_000};
        assertEquals(new Percentiles(2.0, 4.0, 4.0), Percentiles.ofNanos(nanos));
    }

    @Test
    void noSamplesNoPercentiles() {
        assertNull(Percentiles.ofNanos(new long[] {-1, -1}));
        assertNull(Percentiles.ofNanos(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(new long[0], 50));
    }

    @Test
    void millisecondsKeepMicrosecondPrecision() {
        assertEquals(1.235, Percentiles.millis(1_234_567));
        assertEquals(0.0, Percentiles.millis(400));
    }
}
