package dev.smartsat.store;

import java.time.Instant;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Nonces of the replay window; a duplicate (scope, nonce) is a replay. */
public interface NonceDao {
    /** Records a nonce; 0 rows when the scope has used it already. */
    @SqlUpdate("INSERT INTO transport_nonce (scope, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
    int record(String scope, String nonce, Instant expiresAt);

    @SqlUpdate("DELETE FROM transport_nonce WHERE expires_at <= ?")
    int purge(Instant now);
}
