package dev.smartsat.sync;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The payload of a sync response (SPEC §8, fields in docs/sync.md): the upstream's license pools for
 * every virtual account of the smart account, answering one request whose sequence it echoes.
 * {@code transfersApplied} is the highest of the satellite's transfer ids the upstream has applied.
 */
public record SyncResponse(
        String type,
        String version,
        String satelliteId,
        long sequence,
        String smartAccount,
        Instant createdAt,
        long transfersApplied,
        List<VirtualAccountPools> virtualAccounts) {

    public static final String TYPE = "SYNC_RESPONSE";

    /** One virtual account of the upstream and every pool it holds. */
    public record VirtualAccountPools(String name, String description, List<Pool> licenses) {}

    /** A license pool as the upstream holds it. */
    public record Pool(String entitlementTag, String displayName, long quantity, String licenseType,
                       LocalDate endDate) {}
}
