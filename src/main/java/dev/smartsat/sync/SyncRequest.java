package dev.smartsat.sync;

import java.time.Instant;
import java.util.List;

/**
 * The payload of a sync request (SPEC §8, fields in docs/sync.md): what a satellite tells its upstream —
 * its identity, the request's sequence, and per virtual account its instances, usage and reservations,
 * with the local license transfers the upstream has not yet acknowledged.
 */
public record SyncRequest(
        String type,
        String version,
        String satelliteId,
        long sequence,
        String smartAccount,
        Instant createdAt,
        List<VirtualAccountReport> virtualAccounts,
        List<Transfer> transfers) {

    public static final String TYPE = "SYNC_REQUEST";

    /** One virtual account as the satellite holds it. */
    public record VirtualAccountReport(String name, String description, List<Instance> instances, List<Usage> usage,
                                       List<Reservation> reservations) {}

    /** A product instance registered over the transport, with what it last reported. */
    public record Instance(String productInstanceIdentifier, String udiPid, String udiSerialNumber, String hostName,
                           Instant registrationDate, Instant lastContactDate, String registrationStatus,
                           String authorizationStatus, List<LicenseUsage> licenseUsage) {}

    /** One entitlement an instance uses, with the status the satellite gave it. */
    public record LicenseUsage(String entitlementTag, long quantity, String status) {}

    /** A pool's live usage and what reservations hold of it. */
    public record Usage(String entitlementTag, long inUse, long reserved) {}

    /** A Specific License Reservation and what it holds per tag. */
    public record Reservation(String productInstanceIdentifier, String udiPid, String udiSerialNumber, String status,
                              List<ReservedLicense> licenses) {}

    /** {@code pendingQuantity} is set while an update awaits its confirmation code. */
    public record ReservedLicense(String entitlementTag, long quantity, Long pendingQuantity) {}

    /** A local move of unused licenses between two virtual accounts; {@code id} rises with every transfer. */
    public record Transfer(long id, Instant time, String fromVirtualAccount, String toVirtualAccount,
                           String entitlementTag, long quantity) {}
}
