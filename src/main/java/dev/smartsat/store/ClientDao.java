package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Management API clients and the bearer tokens issued to them. */
public interface ClientDao {
    /** A stored client; the secret only as its hash. */
    record ClientRow(String clientId, String name, String role, String secretHash, Instant createdAt) {}

    /** A stored bearer token, by the SHA-256 of its value. */
    record AccessTokenRow(String clientId, String role, Instant expiresAt) {}

    @SqlQuery("SELECT COUNT(*) FROM api_client")
    long count();

    @SqlQuery("SELECT COUNT(*) FROM api_client WHERE role = ?")
    long countWithRole(String role);

    @SqlQuery("SELECT client_id, name, role, secret_hash, created_at FROM api_client ORDER BY created_at, id"
            + " LIMIT ? OFFSET ?")
    List<ClientRow> list(int limit, int offset);

    @SqlQuery("SELECT client_id, name, role, secret_hash, created_at FROM api_client WHERE client_id = ?")
    Optional<ClientRow> byClientId(String clientId);

    @SqlUpdate("INSERT INTO api_client (client_id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)")
    void insert(String clientId, String name, String role, String secretHash, Instant createdAt);

    @SqlUpdate("DELETE FROM api_client WHERE client_id = ?")
    int delete(String clientId);

    @SqlUpdate("INSERT INTO access_token (token_hash, client_id, expires_at) VALUES (?, ?, ?)")
    void insertToken(String tokenHash, String clientId, Instant expiresAt);

    @SqlQuery("SELECT t.client_id, c.role, t.expires_at FROM access_token t"
            + " JOIN api_client c ON c.client_id = t.client_id WHERE t.token_hash = ?")
    Optional<AccessTokenRow> token(String tokenHash);

    @SqlUpdate("DELETE FROM access_token WHERE expires_at <= ?")
    int deleteExpiredTokens(Instant wallNow);
}
