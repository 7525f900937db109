package dev.smartsat.store;

import dev.smartsat.core.RegistrationToken;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Registration tokens. */
public interface TokenDao {
    String COLUMNS = "id, virtual_account_id, token, description, created_at, expires_at, export_controlled,"
            + " max_uses, uses, revoked_at";

    @SqlQuery("INSERT INTO registration_token (virtual_account_id, token, description, created_at, expires_at,"
            + " export_controlled, max_uses, uses) VALUES (?, ?, ?, ?, ?, ?, ?, 0) RETURNING id")
    long insert(long virtualAccountId, String token, String description, Instant createdAt, Instant expiresAt,
                boolean exportControlled, Long maxUses);

    @SqlQuery("SELECT " + COLUMNS + " FROM registration_token WHERE virtual_account_id = ?"
            + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
    List<RegistrationToken> list(long virtualAccountId, int limit, int offset);

    @SqlQuery("SELECT COUNT(*) FROM registration_token WHERE virtual_account_id = ?")
    long count(long virtualAccountId);

    @SqlQuery("SELECT " + COLUMNS + " FROM registration_token WHERE token = ?")
    Optional<RegistrationToken> byToken(String token);

    @SqlUpdate("UPDATE registration_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
    int revoke(Instant at, long id);

    @SqlUpdate("DELETE FROM registration_token WHERE id = ?")
    int delete(long id);

    /** Counts one use, atomically, only while the token is usable; 0 rows means it was not. */
    @SqlUpdate("UPDATE registration_token SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL"
            + " AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")
    int use(long id, Instant now);
}
