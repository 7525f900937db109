package dev.smartsat.cli;

import dev.smartsat.agent.AgentCommand;
import dev.smartsat.config.ConfigException;
import dev.smartsat.product.ProductCommand;
import dev.smartsat.server.SmartSatServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code smartsat} command line: serve, certs init, agent, product, cssm process-sync, backup,
 * restore. */
@Command(name = "smartsat", mixinStandardHelpOptions = true, versionProvider = SmartSatCommand.Version.class,
        description = "A simulated on-premises Smart Software Manager satellite.",
        subcommands = {ServeCommand.class, CertsCommand.class, AgentCommand.class, ProductCommand.class,
                CssmCommand.class, BackupCommand.class, RestoreCommand.class})
public final class SmartSatCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The command line with its error handling, for main and for tests that drive it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SmartSatCommand());
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

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"smartsat " + SmartSatServer.version()};
        }
    }
}
