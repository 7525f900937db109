package dev.smartsat.store;

import org.jdbi.v3.core.Handle;

/** Raw SQL inside a store transaction, for tests that seed rows in bulk or look inside a transaction. */
public final class TestSql {
    private TestSql() {}

    public static Handle of(Tx tx) {
        return tx.handle();
    }
}
