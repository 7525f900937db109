package dev.smartsat.sync;

import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What a sync payload must satisfy beyond its JSON shape before anything of it is stored: each
 * violation is a 422 naming the field by its path, so a hand-edited file is refused, never half-read.
 */
final class PayloadChecks {
    static final int MAX_TAG = 300;
    static final int MAX_SHORT = 100;
    static final Set<String> LICENSE_TYPES = Set.of("PERPETUAL", "TERM");

    private PayloadChecks() {}

    static void check(SyncResponse r) {
        header(r.satelliteId(), r.sequence(), r.smartAccount(), "sync response");
        atLeast(r.transfersApplied(), 0, "transfersApplied");
        Set<String> names = new HashSet<>();
        List<SyncResponse.VirtualAccountPools> vas = list(r.virtualAccounts(), "virtualAccounts");
        for (int i = 0; i < vas.size(); i++) {
            String at = "virtualAccounts[" + i + "]";
            SyncResponse.VirtualAccountPools va = required(vas.get(i), at);
            unique(names, virtualAccountName(va.name(), at + ".name"), at + ".name", "virtual account");
            if (va.description() != null && va.description().length() > Accounts.MAX_DESCRIPTION) {
                throw new ClientError.Unprocessable(at + ".description", at + ".description must be at most "
                        + Accounts.MAX_DESCRIPTION + " characters");
            }
            Set<String> tags = new HashSet<>();
            List<SyncResponse.Pool> pools = list(va.licenses(), at + ".licenses");
            for (int j = 0; j < pools.size(); j++) {
                String p = at + ".licenses[" + j + "]";
                SyncResponse.Pool pool = required(pools.get(j), p);
                unique(tags, text(pool.entitlementTag(), p + ".entitlementTag", MAX_TAG), p + ".entitlementTag",
                        "entitlement tag");
                text(pool.displayName(), p + ".displayName", MAX_TAG);
                atLeast(pool.quantity(), 0, p + ".quantity");
                if (!LICENSE_TYPES.contains(pool.licenseType())) {
                    throw new ClientError.Unprocessable(p + ".licenseType", p + ".licenseType must be PERPETUAL or TERM");
                }
            }
        }
    }

    static void check(SyncRequest r) {
        header(r.satelliteId(), r.sequence(), r.smartAccount(), "sync request");
        Set<String> names = new HashSet<>();
        Set<String> instances = new HashSet<>();
        List<SyncRequest.VirtualAccountReport> vas = list(r.virtualAccounts(), "virtualAccounts");
        for (int i = 0; i < vas.size(); i++) {
            String at = "virtualAccounts[" + i + "]";
            SyncRequest.VirtualAccountReport va = required(vas.get(i), at);
            unique(names, virtualAccountName(va.name(), at + ".name"), at + ".name", "virtual account");
            List<SyncRequest.Instance> list = list(va.instances(), at + ".instances");
            for (int j = 0; j < list.size(); j++) {
                instance(required(list.get(j), at + ".instances[" + j + "]"), at + ".instances[" + j + "]", instances);
            }
            Set<String> tags = new HashSet<>();
            List<SyncRequest.Usage> usage = list(va.usage(), at + ".usage");
            for (int j = 0; j < usage.size(); j++) {
                String u = at + ".usage[" + j + "]";
                unique(tags, text(required(usage.get(j), u).entitlementTag(), u + ".entitlementTag", MAX_TAG),
                        u + ".entitlementTag", "entitlement tag");
                atLeast(usage.get(j).inUse(), 0, u + ".inUse");
                atLeast(usage.get(j).reserved(), 0, u + ".reserved");
            }
            List<SyncRequest.Reservation> reservations = list(va.reservations(), at + ".reservations");
            for (int j = 0; j < reservations.size(); j++) {
                reservation(required(reservations.get(j), at + ".reservations[" + j + "]"),
                        at + ".reservations[" + j + "]", instances);
            }
        }
        Set<String> ids = new HashSet<>();
        List<SyncRequest.Transfer> transfers = list(r.transfers(), "transfers");
        for (int i = 0; i < transfers.size(); i++) {
            String t = "transfers[" + i + "]";
            SyncRequest.Transfer transfer = required(transfers.get(i), t);
            atLeast(transfer.id(), 1, t + ".id");
            unique(ids, String.valueOf(transfer.id()), t + ".id", "transfer id");
            virtualAccountName(transfer.fromVirtualAccount(), t + ".fromVirtualAccount");
            virtualAccountName(transfer.toVirtualAccount(), t + ".toVirtualAccount");
            text(transfer.entitlementTag(), t + ".entitlementTag", MAX_TAG);
            atLeast(transfer.quantity(), 1, t + ".quantity");
        }
    }

    private static void instance(SyncRequest.Instance instance, String at, Set<String> seen) {
        identity(instance.productInstanceIdentifier(), instance.udiPid(), instance.udiSerialNumber(), at, seen);
        text(instance.registrationStatus(), at + ".registrationStatus", MAX_SHORT);
        text(instance.authorizationStatus(), at + ".authorizationStatus", MAX_SHORT);
        counts(instance.licenseUsage(), at + ".licenseUsage", SyncRequest.LicenseUsage::entitlementTag,
                SyncRequest.LicenseUsage::quantity);
    }

    private static void reservation(SyncRequest.Reservation reservation, String at, Set<String> seen) {
        identity(reservation.productInstanceIdentifier(), reservation.udiPid(), reservation.udiSerialNumber(), at, seen);
        text(reservation.status(), at + ".status", MAX_SHORT);
        counts(reservation.licenses(), at + ".licenses", SyncRequest.ReservedLicense::entitlementTag,
                SyncRequest.ReservedLicense::quantity);
    }

    /** An instance's identifier (once in the whole request) and UDI. */
    private static void identity(String piid, String pid, String serial, String at, Set<String> seen) {
        unique(seen, text(piid, at + ".productInstanceIdentifier", MAX_SHORT), at + ".productInstanceIdentifier",
                "product instance");
        text(pid, at + ".udiPid", MAX_SHORT);
        text(serial, at + ".udiSerialNumber", MAX_SHORT);
    }

    /** A list of {entitlementTag, quantity} lines. */
    private static <T> void counts(List<T> lines, String at, Function<T, String> tag, ToLongFunction<T> quantity) {
        list(lines, at);
        for (int k = 0; k < lines.size(); k++) {
            String l = at + "[" + k + "]";
            text(tag.apply(required(lines.get(k), l)), l + ".entitlementTag", MAX_TAG);
            atLeast(quantity.applyAsLong(lines.get(k)), 0, l + ".quantity");
        }
    }

    private static void header(String satelliteId, long sequence, String smartAccount, String what) {
        text(satelliteId, "satelliteId", MAX_SHORT);
        atLeast(sequence, 1, "sequence");
        text(smartAccount, "smartAccount", 200);
    }

    private static String virtualAccountName(String name, String path) {
        try {
            return Accounts.validName(name);
        } catch (ClientError e) {
            throw new ClientError.Unprocessable(path, path + ": " + e.getMessage());
        }
    }

    private static String text(String value, String path, int max) {
        if (value == null || value.isBlank()) {
            throw new ClientError.Unprocessable(path, path + " must be a non-empty string");
        }
        if (value.length() > max) {
            throw new ClientError.Unprocessable(path, path + " must be at most " + max + " characters");
        }
        return value;
    }

    private static <T> List<T> list(List<T> value, String path) {
        if (value == null) {
            throw new ClientError.Unprocessable(path, path + " must be an array (empty when there is nothing)");
        }
        return value;
    }

    private static <T> T required(T value, String path) {
        if (value == null) {
            throw new ClientError.Unprocessable(path, path + " must be an object, not null");
        }
        return value;
    }

    private static void atLeast(long value, long min, String path) {
        if (value < min) {
            throw new ClientError.Unprocessable(path, path + " must be at least " + min + ", not " + value);
        }
    }

    private static void unique(Set<String> seen, String key, String path, String what) {
        if (!seen.add(key.toLowerCase(Locale.ROOT))) {
            throw new ClientError.Unprocessable(path, path + ": " + what + " '" + key + "' appears twice");
        }
    }
}
