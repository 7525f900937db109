package dev.smartsat.agent;

import dev.smartsat.agent.DeviceStatus.EntitlementLine;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code smartsat agent}: the product-instance simulator's command line (SPEC §6), one subcommand per device action. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"A simulated product instance: registers with a satellite over /SmartTransport, reports "
                + "its license usage and shows its licensing status like a product's licensing page.",
                "The device lives in the --state file; --ca is the satellite's root CA, which both its TLS "
                        + "certificate and its signed answers must chain to."},
        subcommands = {AgentCommand.Register.class, AgentCommand.RenewId.class, AgentCommand.Authorize.class,
                AgentCommand.Deregister.class, AgentCommand.Status.class, AgentCommand.Hello.class,
                ReserveCommand.class, FleetCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the satellite refused (its message_code and message are printed)",
                "2:bad usage, or the device cannot do that in its state",
                "3:the satellite could not be reached, or its answer could not be trusted"})
public final class AgentCommand implements Runnable {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The device state file (JSON, mode 0600), created at the device's first start.")
    Path state;

    @Option(names = "--ca", paramLabel = "FILE", defaultValue = "certs/ca.pem", scope = ScopeType.INHERIT,
            description = "The satellite's root CA, default ${DEFAULT-VALUE}.")
    Path ca;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5", scope = ScopeType.INHERIT,
            description = "How many times to retry when the satellite answers OK_TRY_AGAIN (default: ${DEFAULT-VALUE}).")
    int retries;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every device subcommand shares: the device of --state, and turning outcomes into output and exit codes. */
    abstract static class DeviceCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** The {@code agent} command above this one (directly, or above a group such as {@code reserve}). */
        AgentCommand agent() {
            for (CommandSpec s = spec.parent(); s != null; s = s.parent()) {
                if (s.userObject() instanceof AgentCommand agent) {
                    return agent;
                }
            }
            throw new IllegalStateException(spec.name() + " must run under `smartsat agent`");
        }

        /** The phrase a failure starts with, e.g. "registration failed". */
        abstract String failure();

        abstract int run(Device device) throws TransportException;

        @Override
        public Integer call() {
            AgentCommand agent = agent();
            if (agent.state == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option: '--state=FILE' (the device's state file)");
            }
            try {
                return run(Device.open(agent.state, agent.ca, Clock.systemUTC(), agent.retries));
            } catch (TransportException e) {
                err().println(failure() + ": " + e.kind() + " — " + e.getMessage());
                return UNREACHABLE;
            } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
                err().println("smartsat agent: " + e.getMessage());
                return USAGE;
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        int refused(Answer answer) {
            err().println(failure() + ": " + answer.describe());
            return REFUSED;
        }

        void row(String label, Object value) {
            if (value != null) {
                out().println(String.format("  %-32s %s", label + ":", value));
            }
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register the device with a product instance registration token (REGISTER).")
    static final class Register extends DeviceCommand {
        @Option(names = "--url", required = true, paramLabel = "URL",
                description = "The satellite's transport URL, such as%n  https://localhost:8443/SmartTransport")
        URI url;

        @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "The registration token.")
        String token;

        @Option(names = "--pid", required = true, paramLabel = "PID", description = "The product id of the UDI.")
        String pid;

        @Option(names = "--serial", required = true, paramLabel = "SERIAL", description = "The serial number of the UDI.")
        String serial;

        @ArgGroup(exclusive = true)
        HostnameChoice hostnameChoice;

        @Option(names = "--overwrite",
                description = "Replace the satellite's existing instance with this UDI (re-register).")
        boolean overwrite;

        @Option(names = "--software-tag", paramLabel = "TAG",
                description = "The software_tag_identifier, default%n  regid.2016-07.com.cisco.<pid>,1.0_<uuid>")
        String softwareTag;

        static final class HostnameChoice {
            @Option(names = "--hostname", paramLabel = "NAME", description = "The host name to share (default: this machine's).")
            String hostname;

            @Option(names = "--no-hostname", description = "Do not share a host name.")
            boolean noHostname;
        }

        @Override
        String failure() {
            return "registration failed";
        }

        @Override
        int run(Device device) throws TransportException {
            String hostname = hostnameChoice == null ? localHostName()
                    : hostnameChoice.noHostname ? null : hostnameChoice.hostname;
            Answer answer = device.register(new Device.RegisterRequest(url, token, pid, serial, hostname, overwrite,
                    softwareTag));
            if (!answer.ok()) {
                return refused(answer);
            }
            DeviceStatus status = device.status();
            out().println("Registered as product instance " + status.productInstanceIdentifier());
            row("Smart account", status.smartAccount());
            row("Virtual account", status.virtualAccount());
            row("Export-controlled functionality", status.exportControlled());
            row("Registration expires", DeviceStatus.format(status.registrationExpires()));
            row("Next renewal attempt", DeviceStatus.format(status.nextRenewalAttempt()));
            return 0;
        }

        private static String localHostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }

    @Command(name = "renew-id", mixinStandardHelpOptions = true,
            description = "Renew the device's ID certificate and with it the registration (RENEW_ID_CERT).")
    static final class RenewId extends DeviceCommand {
        @Option(names = "--new-key", description = "Ask for a certificate for a freshly generated key.")
        boolean newKey;

        @Override
        String failure() {
            return "ID certificate renewal failed";
        }

        @Override
        int run(Device device) throws TransportException {
            Answer answer = device.renewId(newKey);
            if (!answer.ok()) {
                return refused(answer);
            }
            DeviceStatus status = device.status();
            out().println("ID certificate renewed" + (newKey ? " for a new key" : ""));
            row("Registration expires", DeviceStatus.format(status.registrationExpires()));
            row("Next renewal attempt", DeviceStatus.format(status.nextRenewalAttempt()));
            return 0;
        }
    }

    @Command(name = "authorize", mixinStandardHelpOptions = true,
            description = "Report the device's license usage and get it authorized (AUTH_REQUEST).")
    static final class Authorize extends DeviceCommand {
        @Option(names = "--entitlement", paramLabel = "TAG=COUNT", converter = Entitlement.Converter.class,
                description = "An entitlement in use and its count; repeatable. None reports no licenses in use.")
        List<Entitlement> entitlements = new ArrayList<>();

        @Override
        String failure() {
            return "authorization failed";
        }

        @Override
        int run(Device device) throws TransportException {
            Answer answer = device.authorize(entitlements);
            if (!answer.ok()) {
                return refused(answer);
            }
            DeviceStatus status = device.status();
            out().println("License authorization status: " + status.authorization().label());
            for (EntitlementLine line : status.entitlements()) {
                out().println("  " + line.tag() + "  count " + line.count() + "  " + line.status());
            }
            row("Next authorization attempt", DeviceStatus.format(status.nextAuthorizationAttempt()));
            row("Communication deadline", DeviceStatus.format(status.communicationDeadline()));
            return 0;
        }
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true,
            description = "Deregister the device, releasing all its licenses (DEREGISTER).")
    static final class Deregister extends DeviceCommand {
        @Override
        String failure() {
            return "deregistration failed";
        }

        @Override
        int run(Device device) throws TransportException {
            Answer answer = device.deregister();
            if (!answer.ok()) {
                int code = refused(answer);
                if (answer.failedWith("INSTANCE_UNKNOWN")) {
                    err().println("The device is now unregistered.");
                }
                return code;
            }
            out().println("Deregistered; the device is back in evaluation mode.");
            answer.field("released").forEach(r -> out().println("  released "
                    + r.path("tag").asText() + "  count " + r.path("count").asText()));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the licensing status as the product's licensing page would (no network).")
    static final class Status extends DeviceCommand {
        @Override
        String failure() {
            return "status failed";
        }

        @Override
        int run(Device device) {
            device.status().render().forEach(out()::println);
            return 0;
        }
    }

    @Command(name = "hello", mixinStandardHelpOptions = true,
            description = "Check the connection and adopt the satellite's clock (HELLO).")
    static final class Hello extends DeviceCommand {
        @Override
        String failure() {
            return "hello failed";
        }

        @Override
        int run(Device device) throws TransportException {
            Answer answer = device.hello();
            if (!answer.ok()) {
                return refused(answer);
            }
            out().println("The satellite answered; its time is " + answer.text("server_time")
                    + " (offset from this machine's clock: " + Duration.ofMillis(device.clock().offsetMillis())
                    + ")");
            return 0;
        }
    }
}
