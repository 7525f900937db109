package dev.smartsat.store;

/**
 * The database could not be reached, or dropped the connection, for a request: not the request's fault, and gone
 * once the database is back (the store opens new connections by itself). Devices hear OK_TRY_AGAIN and the API
 * answers 503 (SPEC §10).
 */
public final class DatabaseUnavailable extends RuntimeException {
    DatabaseUnavailable(Throwable cause) {
        super("the database cannot be reached: " + Store.oneLine(cause), cause);
    }
}
