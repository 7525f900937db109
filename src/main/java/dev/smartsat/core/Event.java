package dev.smartsat.core;

import java.time.Instant;

/** One recorded state change, as the events API and report show it. */
public record Event(long id, Instant time, String type, String virtualAccount, String productInstanceIdentifier,
                    String message) {}
