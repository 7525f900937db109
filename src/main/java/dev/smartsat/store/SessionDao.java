package dev.smartsat.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Web console sessions, by the SHA-256 of the session id the browser holds. */
public interface SessionDao {
    /** A stored session. */
    record SessionRow(String clientId, String role, String csrfToken, Instant expiresAt) {}

    @SqlUpdate("INSERT INTO console_session (session_hash, client_id, role, csrf_token, expires_at) VALUES (?, ?, ?, ?, ?)")
    void insert(String sessionHash, String clientId, String role, String csrfToken, Instant expiresAt);

    @SqlQuery("SELECT client_id, role, csrf_token, expires_at FROM console_session WHERE session_hash = ?")
    Optional<SessionRow> byHash(String sessionHash);

    @SqlUpdate("DELETE FROM console_session WHERE session_hash = ?")
    int delete(String sessionHash);

    @SqlUpdate("DELETE FROM console_session WHERE expires_at <= ?")
    int deleteExpired(Instant wallNow);
}
