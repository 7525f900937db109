package dev.smartsat.store;

import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The stored offset of the simulated clock (SPEC §9), in milliseconds from the wall clock. */
public interface ClockDao {
    @SqlQuery("SELECT offset_ms FROM simulated_clock WHERE id = 1")
    Optional<Long> offsetMillis();

    @SqlUpdate("INSERT INTO simulated_clock (id, offset_ms) VALUES (1, :offset)"
            + " ON CONFLICT (id) DO UPDATE SET offset_ms = excluded.offset_ms")
    void save(long offset);
}
