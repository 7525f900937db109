package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A poll with a bound, for tests that wait on a condition the code under test exposes, never on a sleep. */
public final class Await {
    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within 10 s. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }
}
