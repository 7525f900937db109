package dev.smartsat.store;

import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The stored injected faults (SPEC §9), which every node reads: one row, its version rising with each change. */
public interface FaultDao {
    /** The rules of both paths and the version they were set at. */
    record FaultsRow(long version, double transportFailRate, int transportStatus, long transportDelayMs,
                     double upstreamFailRate, int upstreamStatus, long upstreamDelayMs) {}

    @SqlQuery("SELECT version, transport_fail_rate, transport_status, transport_delay_ms, upstream_fail_rate,"
            + " upstream_status, upstream_delay_ms FROM simulated_faults WHERE id = 1")
    Optional<FaultsRow> current();

    @SqlUpdate("INSERT INTO simulated_faults (id, version, transport_fail_rate, transport_status, transport_delay_ms,"
            + " upstream_fail_rate, upstream_status, upstream_delay_ms) VALUES (1, 1, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET version = simulated_faults.version + 1,"
            + " transport_fail_rate = excluded.transport_fail_rate, transport_status = excluded.transport_status,"
            + " transport_delay_ms = excluded.transport_delay_ms, upstream_fail_rate = excluded.upstream_fail_rate,"
            + " upstream_status = excluded.upstream_status, upstream_delay_ms = excluded.upstream_delay_ms")
    void save(double transportFailRate, int transportStatus, long transportDelayMs, double upstreamFailRate,
              int upstreamStatus, long upstreamDelayMs);
}
