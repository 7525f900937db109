package dev.smartsat.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The products SmartSat knows and their ISO 19770-2 style entitlement tags (SPEC §7). */
public final class Catalog {
    /** regid.<yyyy-mm>.com.cisco.<NAME>,<version>_<uuid> */
    public static final Pattern TAG = Pattern.compile(
            "regid\\.\\d{4}-\\d{2}\\.com\\.cisco\\.[A-Za-z0-9_.-]+,[0-9][0-9.]*_[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    /** One entitlement of the catalog. */
    public record Entitlement(String key, String product, String tag, String displayName, String description) {}

    private final Map<String, Entitlement> byKey = new LinkedHashMap<>();
    private final Map<String, Entitlement> byTag = new LinkedHashMap<>();

    Catalog(JsonNode root) {
        for (JsonNode product : root.path("products")) {
            String productName = product.path("product").asText();
            for (JsonNode e : product.path("entitlements")) {
                var entry = new Entitlement(e.path("key").asText(), productName, e.path("tag").asText(),
                        e.path("display_name").asText(), e.path("description").asText());
                if (!TAG.matcher(entry.tag()).matches()) {
                    throw new ConfigException("catalog tag of " + entry.key() + " is not ISO 19770-2 style: " + entry.tag());
                }
                if (byKey.put(entry.key(), entry) != null || byTag.put(entry.tag(), entry) != null) {
                    throw new ConfigException("catalog lists " + entry.key() + " twice");
                }
            }
        }
    }

    /** The catalog a setting names: a file beside the config file, or the built-in one. */
    public static Catalog load(Settings settings) {
        Path file = Path.of(settings.catalog());
        if (!file.isAbsolute() && settings.configDir() != null) {
            file = Path.of(settings.configDir()).resolve(file);
        }
        if (Files.isRegularFile(file)) {
            return new Catalog(SettingsLoader.readFile(file));
        }
        return new Catalog(SettingsLoader.readDefaults("catalog.yaml"));
    }

    public Optional<Entitlement> byKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public Optional<Entitlement> byTag(String tag) {
        return Optional.ofNullable(byTag.get(tag));
    }

    public Collection<Entitlement> entitlements() {
        return byKey.values();
    }
}
