package dev.smartsat.server;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.smartsat.licensing.Registrations;
import dev.smartsat.pki.Signatures;
import dev.smartsat.transport.TransportHandler;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One debug line at stop with each cache's hit rate, so a run (the fleet benchmark, say) shows whether the
 * caches' bounds still fit (with {@code logging.level: debug}).
 */
final class CacheHitRates {
    private static final Logger log = LoggerFactory.getLogger(CacheHitRates.class);

    private CacheHitRates() {}

    static void log(Registrations registrations, TransportHandler transport) {
        if (!log.isDebugEnabled()) {
            return;
        }
        Map<String, CacheStats> caches = new LinkedHashMap<>();
        caches.put("tokenOwners", registrations.ownerCacheStats());
        caches.put("verificationKeys", transport.verificationKeyStats());
        // Process-wide: every server of this JVM shares it.
        caches.put("canonicalKeys", Signatures.canonicalKeyStats());
        log.debug("cache hit rates: {}", line(caches));
    }

    static String line(Map<String, CacheStats> caches) {
        StringJoiner out = new StringJoiner(", ");
        caches.forEach((name, s) -> out.add(String.format(Locale.ROOT, "%s %.1f%% of %d (%d evicted)", name,
                100 * s.hitRate(), s.requestCount(), s.evictionCount())));
        return out.toString();
    }
}
