package dev.smartsat.store;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * The databases the store runs on, and what differs between them: where their migrations live, and the few
 * statement fragments that only one of them understands. The DAOs name such a fragment as a Jdbi attribute
 * ({@code <lapsedIndex>}), defined here per dialect, so the domain never sees which database it runs on.
 */
enum Dialect {
    /** The embedded default: one file, one process. */
    SQLITE("jdbc:sqlite:", "classpath:db/migration/sqlite", "INDEXED BY product_instance_auth_lapse",
            "INDEXED BY product_instance_va"),
    /** Several nodes on one database (SPEC §10). Its planner picks the partial index unasked. */
    POSTGRESQL("jdbc:postgresql:", "classpath:db/migration/postgresql", "", "");

    private static final String DIALECT = "dialect";

    private final String prefix;
    private final String migrations;
    private final String lapsedIndex;
    /** A virtual account's instances in registration order: SQLite would sort a million of them by id otherwise. */
    private final String registeredOrder;

    Dialect(String prefix, String migrations, String lapsedIndex, String registeredOrder) {
        this.prefix = prefix;
        this.migrations = migrations;
        this.lapsedIndex = lapsedIndex;
        this.registeredOrder = registeredOrder;
    }

    static Dialect of(String url) {
        for (Dialect d : values()) {
            if (url.startsWith(d.prefix)) {
                return d;
            }
        }
        throw new IllegalArgumentException("db.url must be jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE,"
                + " not " + printable(url));
    }

    /** Flyway's location: each dialect has its own V1…Vn, with the same version numbers. */
    String migrations() {
        return migrations;
    }

    void define(Jdbi jdbi) {
        jdbi.define("lapsedIndex", lapsedIndex);
        jdbi.define("registeredOrder", registeredOrder);
        jdbi.define(DIALECT, this);
    }

    /** The dialect a handle's Jdbi was defined for. */
    static Dialect of(Handle handle) {
        return (Dialect) handle.getConfig(SqlStatements.class).getAttribute(DIALECT);
    }

    /**
     * A transaction that lost a race to a concurrent one and may simply run again: PostgreSQL's serialization
     * failure and deadlock. SQLite's writes are serialised and never see either.
     */
    static boolean retryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** A URL for a message: never its query part, which may carry a password. */
    static String printable(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }
}
