package dev.smartsat.product;

import dev.smartsat.agent.Device;
import dev.smartsat.agent.TransportException;
import dev.smartsat.reservation.AuthorizationCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smartsat product reserve}: Specific License Reservation on the product, as the agent does it (SPEC §5). */
@Command(name = "reserve", mixinStandardHelpOptions = true,
        description = "Specific License Reservation: show a request code, install an authorization code, return it.",
        subcommands = {ProductReserveCommand.Request.class, ProductReserveCommand.Install.class,
                ProductReserveCommand.Return.class})
final class ProductReserveCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "request", mixinStandardHelpOptions = true, description = "Print the reservation request code.")
    static final class Request extends ProductCommand.Sub {
        @Override
        int call(PrintWriter out) throws TransportException {
            Product product = open();
            String code = product.requestReservation();
            product.save(stateFile());
            out.println("Reservation request code:");
            out.println(code);
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the satellite's authorization code; an update shows the confirmation code.")
    static final class Install extends ProductCommand.Sub {
        @Option(names = "--code-file", required = true, paramLabel = "FILE",
                description = "A file holding the authorization code.")
        Path codeFile;

        @Override
        int call(PrintWriter out) throws TransportException {
            String text;
            try {
                text = Files.readString(codeFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --code-file " + codeFile + ": " + e.getMessage(), e);
            }
            Product product = open();
            Device.Installed installed = product.installReservation(text);
            out.println((installed.confirmationCode() == null ? "Reservation installed" : "Reservation updated")
                    + " for product instance " + installed.code().piid());
            for (AuthorizationCode.Entitlement e : installed.code().entitlements()) {
                out.println("  " + e.displayName() + "  count " + e.count());
            }
            if (installed.confirmationCode() != null) {
                out.println("Confirmation code (enter it on the satellite): " + installed.confirmationCode());
            }
            return done(product, out);
        }
    }

    @Command(name = "return", mixinStandardHelpOptions = true,
            description = "Return the installed reservation: print the return code and forget it.")
    static final class Return extends ProductCommand.Sub {
        @Override
        int call(PrintWriter out) throws TransportException {
            Product product = open();
            String code = product.returnReservation();
            out.println("Reservation returned. Return code (enter it on the satellite):");
            out.println(code);
            return done(product, out);
        }
    }
}
