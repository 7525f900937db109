package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Revoked ID certificates: the CRL's content, and how a replaced certificate is recognised. */
public interface RevocationDao {
    /** One revoked certificate. */
    record Revoked(String serial, String piid, String publicKey, Instant revokedAt, String reason) {}

    @SqlUpdate("INSERT INTO revoked_certificate (serial, piid, public_key, revoked_at, reason) VALUES (?, ?, ?, ?, ?)")
    void insert(String serial, String piid, String publicKey, Instant revokedAt, String reason);

    @SqlQuery("SELECT serial, piid, public_key, revoked_at, reason FROM revoked_certificate WHERE serial = ? AND piid = ?")
    Optional<Revoked> find(String serial, String piid);

    @SqlQuery("SELECT serial, piid, public_key, revoked_at, reason FROM revoked_certificate ORDER BY revoked_at, serial")
    List<Revoked> all();

    @SqlQuery("SELECT COUNT(*) FROM revoked_certificate")
    long count();
}
