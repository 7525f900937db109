package dev.smartsat.sync;

import dev.smartsat.core.SyncState;
import java.time.Instant;

/** The body of {@code GET /sync} (SPEC §8). {@code nextScheduled} is null in disconnected mode. */
public record SyncStatus(
        String mode,
        String satelliteId,
        long lastSequenceIssued,
        long lastSequenceApplied,
        Instant lastSuccess,
        Instant lastFailure,
        String lastFailureReason,
        Instant nextScheduled) {

    static SyncStatus of(String mode, SyncState s, Instant nextScheduled) {
        return new SyncStatus(mode, s.satelliteId(), s.lastSequenceIssued(), s.lastSequenceApplied(), s.lastSuccess(),
                s.lastFailure(), s.lastFailureReason(), nextScheduled);
    }
}
