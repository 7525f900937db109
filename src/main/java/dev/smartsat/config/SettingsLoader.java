package dev.smartsat.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds {@link Settings} in the order of SPEC §1: built-in defaults, then the config file, then
 * {@code SMARTSAT_*} environment variables, then command-line flags.
 */
public final class SettingsLoader {
    static final String DEFAULTS = "/dev/smartsat/config/defaults/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Short environment names of SPEC §1, each standing for a full key path. */
    private static final Map<String, String> SHORT_FORMS = Map.of(
            "SMARTSAT_PORT", "server.port",
            "SMARTSAT_DATA_DIR", "data.dir",
            "SMARTSAT_CERTS_DIR", "certs.dir",
            "SMARTSAT_MODE", "mode");

    private final Map<String, String> env;
    private final Map<String, String> flags = new LinkedHashMap<>();
    private Path configFile;

    public SettingsLoader(Map<String, String> env) {
        this.env = env;
    }

    public static SettingsLoader fromSystem() {
        return new SettingsLoader(System.getenv());
    }

    /** A config file named on the command line; it wins over {@code SMARTSAT_CONFIG}. */
    public SettingsLoader configFile(Path file) {
        this.configFile = file;
        return this;
    }

    /** A flag's value for a key path such as {@code server.port}; null leaves the key alone. */
    public SettingsLoader flag(String path, Object value) {
        if (value != null) {
            flags.put(path, value.toString());
        }
        return this;
    }

    public Settings load() {
        ObjectNode tree = (ObjectNode) readDefaults("smartsat.yaml");
        Path file = chooseConfigFile();
        if (file != null) {
            merge(tree, readFile(file));
            Path dir = file.toAbsolutePath().getParent();
            tree.put("config_dir", dir == null ? "." : dir.toString());
        }
        applyEnvironment(tree);
        for (var entry : SHORT_FORMS.entrySet()) {
            String value = env.get(entry.getKey());
            if (value != null && !value.isBlank()) {
                set(tree, entry.getValue(), value);
            }
        }
        flags.forEach((path, value) -> set(tree, path, value));
        Settings settings;
        try {
            settings = YAML.treeToValue(tree, Settings.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("configuration is not valid: " + e.getOriginalMessage());
        }
        validate(settings);
        return settings;
    }

    private Path chooseConfigFile() {
        if (configFile != null) {
            return requireFile(configFile, "--config");
        }
        String fromEnv = env.get("SMARTSAT_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireFile(Path.of(fromEnv), "SMARTSAT_CONFIG");
        }
        Path conventional = Path.of("config", "smartsat.yaml");
        return Files.isRegularFile(conventional) ? conventional : null;
    }

    private static Path requireFile(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(source + " names " + file + ", which is not a readable file");
        }
        return file;
    }

    static JsonNode readDefaults(String name) {
        try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS + name)) {
            if (in == null) {
                throw new IllegalStateException("built-in " + name + " is missing from the jar");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readFile(Path file) {
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException(file + " must hold a YAML mapping of settings");
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Deep merge: objects merge key by key; anything else in {@code over} replaces. */
    static void merge(ObjectNode base, JsonNode over) {
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode baseChild && field.getValue().isObject()) {
                merge(baseChild, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    /** Every scalar or list-of-scalars key can be set from SMARTSAT_<PATH>. */
    private void applyEnvironment(ObjectNode tree) {
        List<String> paths = new ArrayList<>();
        collectPaths(tree, "", paths);
        for (String path : paths) {
            String name = "SMARTSAT_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
            String value = env.get(name);
            if (value != null) {
                set(tree, path, value);
            }
        }
    }

    private static void collectPaths(JsonNode node, String prefix, List<String> out) {
        node.fields().forEachRemaining(field -> {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                collectPaths(value, path, out);
            } else if (!value.isArray() || isScalarList(value)) {
                out.add(path);
            }
        });
    }

    private static boolean isScalarList(JsonNode array) {
        for (JsonNode item : array) {
            if (item.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    /** Sets a key from text, typed like the value it replaces (lists are comma separated). */
    static void set(ObjectNode tree, String path, String text) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
        }
        String key = parts[parts.length - 1];
        JsonNode current = node.get(key);
        if (current != null && current.isArray()) {
            ArrayNode list = node.putArray(key);
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    list.add(item.trim());
                }
            }
        } else if (current != null && current.isNumber()) {
            try {
                node.put(key, Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(path + " must be a whole number, not '" + text + "'");
            }
        } else if (current != null && current.isBoolean()) {
            String lower = text.trim().toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                throw new ConfigException(path + " must be true or false, not '" + text + "'");
            }
            node.put(key, Boolean.parseBoolean(lower));
        } else {
            node.put(key, text);
        }
    }

    private static void validate(Settings s) {
        if (!List.of("satellite", "cssm").contains(s.role())) {
            throw new ConfigException("role must be satellite or cssm, not '" + s.role() + "'");
        }
        if (!List.of("connected", "disconnected").contains(s.mode())) {
            throw new ConfigException("mode must be connected or disconnected, not '" + s.mode() + "'");
        }
        if (s.server().port() < 0 || s.server().port() > 65535) {
            throw new ConfigException("server.port must be between 0 and 65535");
        }
        if (s.server().maxBodyBytes() < 1024) {
            throw new ConfigException("server.max_body_bytes must be at least 1024");
        }
        if (s.server().minBodyBytesPerSecond() < 0) {
            throw new ConfigException("server.min_body_bytes_per_second must be 0 (no minimum) or more");
        }
        if (s.transport().concurrency() < 0 || s.transport().concurrency() > 10_000) {
            throw new ConfigException("transport.concurrency must be 0 (sixteen per core) to 10000");
        }
        if (s.transport().queueTimeoutMs() < 1) {
            throw new ConfigException("transport.queue_timeout_ms must be positive");
        }
        if (s.auth().bcryptCost() < 4 || s.auth().bcryptCost() > 31) {
            throw new ConfigException("auth.bcrypt_cost must be between 4 and 31");
        }
        if (s.auth().tokenTtlSeconds() < 1) {
            throw new ConfigException("auth.token_ttl_seconds must be positive");
        }
        if (s.sync().maxBytes() < 1024) {
            throw new ConfigException("sync.max_bytes must be at least 1024");
        }
        if (!List.of("text", "json").contains(s.logging().format())) {
            throw new ConfigException("logging.format must be text or json, not '" + s.logging().format() + "'");
        }
        if (!List.of("trace", "debug", "info", "warn", "error").contains(s.logging().level().toLowerCase(Locale.ROOT))) {
            throw new ConfigException("logging.level must be trace, debug, info, warn or error, not '"
                    + s.logging().level() + "'");
        }
        try {
            Duration.parse(s.upstream().interval());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new ConfigException("upstream.interval must be an ISO-8601 duration such as P1D or PT6H");
        }
        validate(s.alerts().smtp());
        if (!List.of("auto", "accp", "bouncycastle").contains(s.crypto().provider())) {
            throw new ConfigException("crypto.provider must be auto, accp or bouncycastle, not '"
                    + s.crypto().provider() + "'");
        }
    }

    /** Checked only when mail is on; what the sender would otherwise find out at the first alert, in a log. */
    private static void validate(Settings.Smtp smtp) {
        if (!smtp.enabled()) {
            return;
        }
        if (smtp.port() < 1 || smtp.port() > 65535) {
            throw new ConfigException("alerts.smtp.port must be between 1 and 65535, not " + smtp.port());
        }
        address("alerts.smtp.from", smtp.from());
        if (smtp.to() == null || smtp.to().isEmpty()) {
            throw new ConfigException("alerts.smtp.to must list at least one address when alerts.smtp.host is set");
        }
        smtp.to().forEach(to -> address("alerts.smtp.to", to));
        boolean user = smtp.username() != null && !smtp.username().isBlank();
        boolean password = smtp.password() != null && !smtp.password().isEmpty();
        if (password && !user) {
            throw new ConfigException("alerts.smtp.password is set but alerts.smtp.username is not");
        }
    }

    private static void address(String key, String value) {
        try {
            new InternetAddress(value == null ? "" : value, true).validate();
        } catch (AddressException e) {
            throw new ConfigException(key + " must be an e-mail address such as smartsat@example.com, not '"
                    + value + "'");
        }
    }
}
