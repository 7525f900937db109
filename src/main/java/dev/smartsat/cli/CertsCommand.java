package dev.smartsat.cli;

import dev.smartsat.config.Settings;
import dev.smartsat.pki.CryptoProviders;
import dev.smartsat.pki.Pki;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code smartsat certs init}: the PKI, created without starting a server. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Manage the satellite's PKI.",
        subcommands = {CertsCommand.Init.class})
public final class CertsCommand implements Runnable {
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
            CryptoProviders.use(settings.crypto().provider());
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
