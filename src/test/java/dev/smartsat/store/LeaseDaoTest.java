package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leases between nodes (SPEC §10): two holders on two stores of one database file, as two nodes would be. */
class LeaseDaoTest {
    private static final String NAME = "connected-sync";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TERM = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private Store a;
    private Store b;

    @BeforeEach
    void twoNodes() {
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        a = Store.open(url, 10_000);
        b = Store.open(url, 10_000);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private static int take(Store store, String holder, Instant now) {
        return store.write(tx -> tx.leases().take(NAME, holder, now, now.plus(TERM)));
    }

    private static int release(Store store, String holder) {
        return store.write(tx -> tx.leases().release(NAME, holder));
    }

    @Test
    void oneHolderAtATimeUntilItExpires() {
        assertEquals(1, take(a, "A", T0), "a lease never taken is free");
        assertEquals(0, take(b, "B", T0.plusSeconds(1)), "held by A");
        assertEquals(1, take(a, "A", T0.plusSeconds(60)), "A extends its own lease");
        assertEquals(new LeaseDao.Lease("A", T0.plusSeconds(60).plus(TERM)), b.read(tx -> tx.leases().lease(NAME)).get());

        assertEquals(0, take(b, "B", T0.plusSeconds(60).plus(TERM).minusMillis(1)), "A's lease runs to its end");
        assertEquals(1, take(b, "B", T0.plusSeconds(60).plus(TERM)), "and then B may take it: A died holding it");
        assertEquals(0, take(a, "A", T0.plusSeconds(60).plus(TERM)), "A, back, finds B holding it");
    }

    @Test
    void aReleasedLeaseIsFreeAndOnlyItsHolderReleasesIt() {
        assertEquals(1, take(a, "A", T0));
        assertEquals(0, release(b, "B"), "B cannot give back A's lease");
        assertEquals(0, take(b, "B", T0.plusSeconds(1)));
        assertEquals(1, release(a, "A"));
        assertEquals(1, take(b, "B", T0.plusSeconds(2)), "free at once, long before its term");
    }
}
