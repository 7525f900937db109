package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The fingerprints of the certificates a database was created with (SPEC §10), which every node's certs must match. */
public interface PinDao {
    /** One certificate, by its file name in the certs dir, and the SHA-256 of its DER in lowercase hex. */
    record Pin(String name, String sha256) {}

    /** Records a certificate unless one of that name is recorded already (by this node or another): 1 if recorded. */
    @SqlUpdate("INSERT INTO certificate_pin (name, sha256, recorded_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
    int record(String name, String sha256, Instant at);

    @SqlQuery("SELECT name, sha256 FROM certificate_pin ORDER BY name")
    List<Pin> all();
}
