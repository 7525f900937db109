package dev.smartsat;

import dev.smartsat.config.ConfigException;
import dev.smartsat.config.Settings;
import dev.smartsat.config.SettingsLoader;
import dev.smartsat.pki.Pki;
import dev.smartsat.server.SmartSatServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code smartsat} command line: serve, certs init, agent, cssm process-sync. */
@Command(name = "smartsat", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A simulated on-premises Smart Software Manager satellite.",
        subcommands = {Main.Serve.class, Main.Certs.class, dev.smartsat.agent.AgentCommand.class,
                dev.smartsat.product.ProductCommand.class,
                dev.smartsat.sync.CssmCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for main and for tests that drive it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Registration tokens are URL-safe base64 and may begin with '-' ("--token -Vx…" is a token, not -V).
        cli.setAllowOptionsAsOptionParameters(true);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalStateException
                    || e instanceof IllegalArgumentException) {
                command.getErr().println("smartsat: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every command shares: where settings, data and certificates live. */
    public static class Locations {
        @Option(names = "--config", paramLabel = "FILE", description = "Config file (default config/smartsat.yaml).")
        Path config;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data dir (default data/).")
        Path dataDir;

        @Option(names = "--certs-dir", paramLabel = "DIR", description = "Certificates dir (default certs/).")
        Path certsDir;

        public SettingsLoader loader() {
            return SettingsLoader.fromSystem()
                    .configFile(config)
                    .flag("data.dir", dataDir)
                    .flag("certs.dir", certsDir);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the satellite (or, with --role cssm, the simulated vendor cloud) over HTTPS.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Locations locations = new Locations();

        @Option(names = "--port", paramLabel = "N", description = "HTTPS port (default 8443).")
        Integer port;

        @Option(names = "--role", paramLabel = "ROLE", description = "satellite or cssm (default satellite).")
        String role;

        @Override
        public Integer call() throws InterruptedException {
            Settings settings = locations.loader().flag("server.port", port).flag("role", role).load();
            SmartSatServer server = SmartSatServer.start(settings, Clock.systemUTC(), System.getenv());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "smartsat-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "certs", mixinStandardHelpOptions = true, description = "Manage the satellite's PKI.",
            subcommands = {Certs.Init.class})
    static final class Certs implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }

        @Command(name = "init", mixinStandardHelpOptions = true,
                description = "Create the root, product-instance CA, signing and TLS certificates that are missing.")
        static final class Init implements Callable<Integer> {
            @CommandLine.Mixin
            Locations locations = new Locations();

            @Override
            public Integer call() {
                Settings settings = locations.loader().load();
                Pki pki = Pki.init(settings.certsDir(), settings.server().hostNames(), Clock.systemUTC());
                if (pki.created().isEmpty()) {
                    System.out.println("All certificates already exist in " + settings.certsDir().toAbsolutePath());
                } else {
                    pki.created().forEach(p -> System.out.println("created " + p));
                }
                return 0;
            }
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"smartsat " + SmartSatServer.version()};
        }
    }
}
