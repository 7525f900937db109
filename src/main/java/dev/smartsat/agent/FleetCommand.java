package dev.smartsat.agent;

import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.CryptoProviders;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code smartsat agent fleet}: registers and authorizes many simulated devices at once and reports how fast (SPEC §10). */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Register N in-memory devices and then authorize them, with C concurrent workers sharing "
                + "one HTTPS client (keep-alive, or a new connection per message with --new-connections); print "
                + "counts by outcome, throughput, latency percentiles and TLS handshakes.",
                "Device keys and CSRs are generated before the clock starts. registrationsPerSecond is measured "
                        + "over the registration phase, authorizationsPerSecond over the authorization phase; "
                        + "seconds is both. Exits 1 when any device failed."})
final class FleetCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(FleetCommand.class);
    private static final String NAMED_GROUPS = "jdk.tls.namedGroups";
    private static final char[] SERIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".toCharArray();

    @ParentCommand
    AgentCommand agent;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The satellite's transport URL, such as%n  https://localhost:8443/SmartTransport")
    URI url;

    @Option(names = "--token", required = true, paramLabel = "TOKEN",
            description = "A registration token with enough uses for every device.")
    String token;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "100", description = "How many devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "8",
            description = "Concurrent workers and connections (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--entitlement", paramLabel = "TAG=COUNT", converter = Entitlement.Converter.class,
            description = "The usage every device reports; repeatable. None reports no licenses in use.")
    List<Entitlement> entitlements = new ArrayList<>();

    @Option(names = "--pid", paramLabel = "PID", defaultValue = "C9300-24UX",
            description = "The product id of every device (default: ${DEFAULT-VALUE}).")
    String pid;

    @Option(names = "--serial-prefix", paramLabel = "PREFIX",
            description = "Serial numbers are PREFIX plus a 7-digit index (default: FL and 6 random characters, "
                    + "so runs do not collide).")
    String serialPrefix;

    @Option(names = "--new-connections",
            description = "Every message on a TLS connection of its own (connect, full handshake with no session"
                    + " resumed, one request, close), as devices rebooting at once do; by default the workers keep"
                    + " their connections alive.")
    boolean newConnections;

    @Option(names = "--json", description = "Print exactly one JSON object on standard output instead of the summary.")
    boolean json;

    @Option(names = "--days", paramLabel = "D", defaultValue = "0",
            description = "After registering and authorizing, replay D simulated days: the satellite's clock moves on"
                    + " a day at a time (PUT /sim/clock) and devices renew and report usage when their timers say.")
    int days;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "0",
            description = "First register and authorize W more devices the same way, not measured (serial numbers"
                    + " PREFIX + W + index), so that both sides' JIT compilers have done their work before the clock"
                    + " starts. They stay registered and use the token like the others.")
    int warmup;

    @Option(names = "--admin-credentials", paramLabel = "FILE", defaultValue = "data/admin-credentials.json",
            description = "For --days: a JSON file with an admin client's client_id and client_secret;"
                    + " by default the satellite's bootstrap admin in%n  ${DEFAULT-VALUE}")
    Path adminCredentials;

    @Override
    public Integer call() throws InterruptedException {
        if (newConnections) {
            offerOneKeyShare();
        }
        String prefix = serialPrefix != null ? serialPrefix : randomPrefix();
        Fleet fleet;
        Fleet warmupFleet = null;
        SatelliteClock satelliteClock = null;
        try {
            if (days < 0 || days > 3650) {
                throw new IllegalArgumentException("--days must be 0 to 3650");
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be 0 or more");
            }
            // The fleet is a benchmark: say who does its arithmetic (SMARTSAT_CRYPTO_PROVIDER chooses).
            log.info("{}", CryptoProviders.current().describe());
            X509Certificate root = TransportClient.readRoot(agent.ca);
            AgentHttpClient.Connections reuse = newConnections ? AgentHttpClient.Connections.NEW
                    : AgentHttpClient.Connections.KEEP_ALIVE;
            fleet = new Fleet(new Fleet.Settings(url, token, devices, concurrency, entitlements, pid, prefix,
                    agent.retries, reuse), root, Clock.systemUTC());
            if (warmup > 0) {
                warmupFleet = new Fleet(new Fleet.Settings(url, token, warmup, concurrency, entitlements, pid,
                        prefix + "W", agent.retries, reuse), root, Clock.systemUTC());
            }
            if (days > 0) {
                satelliteClock = SatelliteClock.fromCredentials(TransportClient.httpClient(root), url, adminCredentials);
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("smartsat agent fleet: " + e.getMessage());
            return AgentCommand.USAGE;
        }
        FleetReport warmedUpBy = null;
        FleetReport report;
        try {
            if (warmupFleet != null) {
                warmedUpBy = run(warmupFleet, "warm-up ");
                warmupFleet = null; // its devices' keys and state: garbage before the measured run starts
            }
            report = run(fleet, "");
            if (satelliteClock != null) {
                report = report.withReplay(fleet.replay(days, satelliteClock), fleet.outOfCompliance());
            }
        } catch (TransportException e) {
            spec.commandLine().getErr().println("fleet failed: " + e.kind() + " — " + e.getMessage());
            return AgentCommand.UNREACHABLE;
        }
        if (warmedUpBy != null) {
            report = report.withWarmup(warmedUpBy);
        }
        if (json) {
            spec.commandLine().getOut().println(report.toJson());
        } else {
            report.summary().forEach(spec.commandLine().getOut()::println);
        }
        spec.commandLine().getOut().flush();
        String warning = report.allOutOfCompliance().warning();
        if (warning != null) {
            spec.commandLine().getErr().println(warning);
        }
        long failed = report.failed() + (warmedUpBy == null ? 0 : warmedUpBy.failed());
        return failed == 0 ? 0 : AgentCommand.REFUSED;
    }

    /** One fleet run, with a progress bar on an interactive terminal (its phases labelled {@code label}). */
    private FleetReport run(Fleet f, String label) throws TransportException, InterruptedException {
        ProgressBar progress = json || System.console() == null ? null
                : new ProgressBar(f, label, spec.commandLine().getErr());
        try {
            return f.run();
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
    }

    /**
     * The JDK's TLS client offers two key shares, x25519 and P-256, making a key pair for each, and the satellite
     * takes one: on every new connection the other pair is made for nothing (in a JFR profile of a new-connections
     * fleet on JDK 17's Java arithmetic, a fifth of the fleet's CPU, taken from the machine the satellite is measured
     * on). So the fleet offers one, as a product's TLS stack does (OpenSSL's default offers x25519 alone): the cheaper
     * one for the provider in use. ACCP does P-256 in AWS-LC's native code but has no x25519, which would be the
     * JDK's Java code on both ends; with the JDK's arithmetic alone x25519 is the cheaper (0.3 ms against 1.8 ms for
     * a key pair and an agreement on JDK 17 here). The JDK reads the groups once, at its first handshake, so this is
     * set before; a value given with {@code -Djdk.tls.namedGroups} is kept. The satellite still signs with its P-256
     * key.
     */
    private static void offerOneKeyShare() {
        if (System.getProperty(NAMED_GROUPS) == null) {
            System.setProperty(NAMED_GROUPS,
                    CryptoProviders.current().kind() == CryptoProvider.ACCP ? "secp256r1" : "x25519");
        }
    }

    private static String randomPrefix() {
        SecureRandom random = new SecureRandom();
        StringBuilder prefix = new StringBuilder("FL");
        for (int i = 0; i < 6; i++) {
            prefix.append(SERIAL_ALPHABET[random.nextInt(SERIAL_ALPHABET.length)]);
        }
        return prefix.toString();
    }
}
