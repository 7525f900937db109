package dev.smartsat.core;

import java.time.Instant;

/** Where a satellite's exchange with its upstream stands, as stored (one row, made at the first start). */
public record SyncState(
        String satelliteId,
        long lastSequenceIssued,
        long lastSequenceApplied,
        String lastAppliedDigest,
        long transfersAcknowledged,
        Instant lastSuccess,
        Instant lastFailure,
        String lastFailureReason) {}
