package dev.smartsat.agent;

import dev.smartsat.reservation.AuthorizationCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smartsat agent reserve}: Specific License Reservation on the device side (SPEC §5, §6), with no network —
 * the device shows codes a person carries to the satellite, and installs the code the satellite answers.
 */
@Command(name = "reserve", mixinStandardHelpOptions = true,
        description = "Specific License Reservation: show a request code, install an authorization code, return it.",
        subcommands = {ReserveCommand.Request.class, ReserveCommand.Install.class, ReserveCommand.Return.class})
final class ReserveCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = "Print the reservation request code for the device's UDI (enter it on the satellite).")
    static final class Request extends AgentCommand.DeviceCommand {
        @Option(names = "--pid", paramLabel = "PID", description = "The product id of the UDI (first use only).")
        String pid;

        @Option(names = "--serial", paramLabel = "SERIAL", description = "The serial number of the UDI (first use only).")
        String serial;

        @Override
        String failure() {
            return "reservation request failed";
        }

        @Override
        int run(Device device) {
            String code = device.requestReservation(pid, serial);
            out().println("Reservation request code for " + device.state().identity().udi() + ":");
            out().println(code);
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the satellite's reservation authorization code; an updated code shows the"
                    + " confirmation code to enter on the satellite.")
    static final class Install extends AgentCommand.DeviceCommand {
        @Option(names = "--code-file", required = true, paramLabel = "FILE",
                description = "A file holding the authorization code (<specificPLR>…</specificPLR>).")
        Path codeFile;

        @Option(names = "--signing-cert", paramLabel = "FILE",
                description = "The satellite's signing certificate (default: signing.pem beside --ca); it must be"
                        + " issued by --ca.")
        Path signingCert;

        @Override
        String failure() {
            return "reservation install failed";
        }

        @Override
        int run(Device device) throws TransportException {
            Path ca = agent().ca;
            Path caDir = ca.toAbsolutePath().getParent();
            Path signing = signingCert != null ? signingCert
                    : caDir == null ? Path.of("signing.pem") : caDir.resolve("signing.pem");
            X509Certificate certificate = SatelliteTrust.signingCertificate(read(signing, "--signing-cert"),
                    TransportClient.readRoot(ca), device.clock().now());
            Device.Installed installed = device.installReservation(read(codeFile, "--code-file"), certificate);
            out().println((installed.confirmationCode() == null ? "Reservation installed" : "Reservation updated")
                    + " for product instance " + installed.code().piid());
            for (AuthorizationCode.Entitlement e : installed.code().entitlements()) {
                out().println("  " + e.displayName() + " (" + e.tag() + ")  count " + e.count()
                        + (e.endDate().isEmpty() ? "" : "  until " + e.endDate()));
            }
            if (installed.confirmationCode() != null) {
                out().println("Confirmation code (enter it on the satellite): " + installed.confirmationCode());
            }
            return 0;
        }

        private static String read(Path file, String option) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + option + " " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "return", mixinStandardHelpOptions = true,
            description = "Give the installed reservation back: print the return code (enter it on the satellite)"
                    + " and forget the reservation.")
    static final class Return extends AgentCommand.DeviceCommand {
        @Override
        String failure() {
            return "reservation return failed";
        }

        @Override
        int run(Device device) {
            String code = device.returnReservation();
            out().println("Reservation returned; the device is back in evaluation mode. Return code:");
            out().println(code);
            return 0;
        }
    }
}
