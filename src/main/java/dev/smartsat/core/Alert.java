package dev.smartsat.core;

import java.time.Instant;

/** One alert as the alerts API shows it; {@code clearedAt} is null while it is active. */
public record Alert(long id, String type, String severity, String virtualAccount, String productInstanceIdentifier,
                   String entitlementTag, String message, Instant raisedAt, Instant clearedAt) {}
