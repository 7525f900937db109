package dev.smartsat.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;

/** Every setting of a SmartSat process, after defaults, file, environment and flags are merged. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Settings(
        String role,
        String mode,
        Server server,
        Transport transport,
        Data data,
        Certs certs,
        Db db,
        Auth auth,
        Simulation simulation,
        Upstream upstream,
        Sync sync,
        Logging logging,
        Alerts alerts,
        Crypto crypto,
        String catalog,
        Seed seed,
        @JsonProperty("config_dir") String configDir) {

    /**
     * The HTTPS listener. A request body that arrives slower than {@code min_body_bytes_per_second} (0: no
     * minimum) is ended with its connection; bodies are read without a thread either way (SPEC §13).
     */
    public record Server(int port, String bind, @JsonProperty("host_names") List<String> hostNames,
                         @JsonProperty("max_body_bytes") long maxBodyBytes,
                         @JsonProperty("min_body_bytes_per_second") long minBodyBytesPerSecond) {}

    /**
     * {@code /SmartTransport} admission: {@code concurrency} requests are processed at once (0: sixteen per core) and
     * the rest wait their turn in arrival order; one that waits over {@code queue_timeout_ms} answers OK_TRY_AGAIN.
     * A turn is held while its request waits for the database's commit, so too few turns leave the cores idle: with
     * ACCP's signatures, four per core (8 here) gave 1,958-2,357 authorizations/s and sixteen (32) 3,125-3,286 (fleet
     * --warmup 20000 --devices 20000 --concurrency 32, 2 rounds, issue 16).
     */
    public record Transport(int concurrency, @JsonProperty("queue_timeout_ms") long queueTimeoutMs) {
        /** Turns per core when {@code concurrency} is 0. */
        public static final int PER_CORE = 16;

        public int effectiveConcurrency() {
            return concurrency > 0 ? concurrency : PER_CORE * Runtime.getRuntime().availableProcessors();
        }
    }

    public record Data(String dir) {}

    public record Certs(String dir) {}

    /**
     * The database: {@code url} empty for the SQLite file in the data dir, or a PostgreSQL JDBC URL shared by
     * several nodes, whose {@code user} and {@code password} log in (SPEC §10).
     */
    public record Db(String url, String user, String password, @JsonProperty("busy_timeout_ms") int busyTimeoutMs) {
        /** Never the password: settings may end up in a log line or a failed assertion. */
        @Override
        public String toString() {
            return "Db[url=" + url + ", user=" + user + ", busyTimeoutMs=" + busyTimeoutMs + "]";
        }
    }

    public record Auth(@JsonProperty("token_ttl_seconds") long tokenTtlSeconds,
                       @JsonProperty("bcrypt_cost") int bcryptCost) {}

    public record Simulation(boolean enabled, long seed) {}

    public record Upstream(String url, @JsonProperty("client_id") String clientId,
                           @JsonProperty("client_secret") String clientSecret, String interval, String trust) {}

    /** Sync files (SPEC §8): bodies of {@code POST /sync/response-file} and {@code /satellite/sync} up to this size. */
    public record Sync(@JsonProperty("max_bytes") long maxBytes) {}

    /** SPEC §13: {@code format} text or json (one object per line); {@code level} trace, debug, info, warn or error. */
    public record Logging(String format, String level) {}

    /** SPEC §12: what is done with a raised alert beside recording it. */
    public record Alerts(Smtp smtp) {}

    /**
     * SPEC §12: each raised alert is also mailed to {@code to} through this SMTP server when {@code host} is set;
     * {@code username} (when set) and {@code password} log in, and {@code starttls} requires STARTTLS first.
     */
    public record Smtp(String host, int port, String from, List<String> to, String username, String password,
                       boolean starttls) {
        public boolean enabled() {
            return host != null && !host.isBlank();
        }

        /** Never the password: settings may end up in a log line or a failed assertion. */
        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", from=" + from + ", to=" + to + ", username="
                    + username + ", starttls=" + starttls + "]";
        }
    }

    /**
     * Who does the arithmetic of signatures and TLS: {@code auto} (ACCP where it loads, else BouncyCastle), {@code accp}
     * or {@code bouncycastle} (pki/CryptoProviders).
     */
    public record Crypto(String provider) {}

    public record Seed(SeedAccount account, @JsonProperty("virtual_accounts") List<SeedVirtualAccount> virtualAccounts) {}

    public record SeedAccount(String name, String domain) {}

    public record SeedVirtualAccount(String name, String description, @JsonProperty("default") boolean isDefault,
                                     List<SeedLicense> licenses) {}

    public record SeedLicense(String tag, int quantity, @JsonProperty("license_type") String licenseType,
                              @JsonProperty("end_date") String endDate) {}

    public Path dataDir() {
        return Path.of(data.dir());
    }

    public Path certsDir() {
        return Path.of(certs.dir());
    }

    public boolean isUpstream() {
        return "cssm".equals(role);
    }

    /** The JDBC URL of the store: the configured one, else the SQLite file in the data dir. */
    public String jdbcUrl() {
        if (db.url() != null && !db.url().isBlank()) {
            return db.url();
        }
        return "jdbc:sqlite:" + dataDir().resolve("smartsat.db");
    }
}
