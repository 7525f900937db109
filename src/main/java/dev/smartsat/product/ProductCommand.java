package dev.smartsat.product;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.agent.TransportClient;
import dev.smartsat.agent.TransportException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code smartsat product}: a simulated Expressway or Webex Meetings Server that licenses itself (SPEC §11). */
@Command(name = "product", mixinStandardHelpOptions = true,
        description = {"A simulated Expressway or Webex Meetings Server: it earns its license counts from what happens"
                + " on it, reports them to the satellite, runs its own licensing timers and refuses what an unlicensed"
                + " product refuses.",
                "The product lives in the --state file; --ca is the satellite's root CA."},
        subcommands = {ProductCommand.Init.class, ProductCommand.Register.class, ProductCommand.Deregister.class,
                ProductReserveCommand.class, ProductCommand.Status.class, ProductCommand.Set.class,
                ProductRunCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (a refused scenario step is a result, not a failure)",
                "1:the satellite refused, or the registration is pending a retry",
                "2:bad usage or a bad scenario file (nothing was sent)",
                "3:the satellite could not be reached or could not be trusted (the state file is unchanged)"})
public final class ProductCommand implements Runnable {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The product's state file (JSON, mode 0600).")
    Path state;

    @Option(names = "--ca", paramLabel = "FILE", defaultValue = "certs/ca.pem", scope = ScopeType.INHERIT,
            description = "The satellite's root CA, default ${DEFAULT-VALUE}.")
    Path ca;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every product subcommand shares: the product command above it and turning outcomes into exit codes. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        ProductCommand product() {
            for (CommandSpec s = spec.parent(); s != null; s = s.parent()) {
                if (s.userObject() instanceof ProductCommand p) {
                    return p;
                }
            }
            throw new IllegalStateException(spec.name() + " must run under `smartsat product`");
        }

        Path stateFile() {
            if (product().state == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--state=FILE'");
            }
            return product().state;
        }

        abstract int call(PrintWriter out) throws TransportException, ScenarioException;

        @Override
        public Integer call() {
            try {
                return call(spec.commandLine().getOut());
            } catch (TransportException e) {
                err().println("smartsat product: " + e.kind() + " - " + e.getMessage()
                        + " (the state file is unchanged)");
                return UNREACHABLE;
            } catch (ScenarioException e) {
                err().println("smartsat product: bad scenario: " + e.getMessage() + " (nothing was sent)");
                return USAGE;
            } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
                err().println("smartsat product: " + e.getMessage());
                return USAGE;
            }
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** The product of --state at the satellite's time now, its timers caught up; saved only by {@link #done}. */
        Product open() throws TransportException {
            ProductState state = ProductState.readIfExists(stateFile());
            if (state == null) {
                throw new IllegalStateException("no product in " + stateFile() + "; create it with `smartsat product"
                        + " init`");
            }
            Product product = Product.resume(state, product().ca);
            Instant now = SatelliteAdmin.health(TransportClient.httpClient(TransportClient.readRoot(product().ca)),
                    product.url());
            product.state().clockOffsetMillis = now.toEpochMilli() - System.currentTimeMillis();
            product.advanceTo(now, null);
            return product;
        }

        int done(Product product, PrintWriter out) {
            product.save(stateFile());
            ProductPage page = product.page();
            out.println("Registration status: " + page.registrationStatus());
            out.println("License authorization status: " + page.authorizationStatus());
            page.refused().forEach(r -> out.println("Refused: " + r.what() + " - " + r.reason()));
            return 0;
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the product; its 90-day evaluation period starts at the satellite's time.")
    static final class Init extends Sub {
        @Option(names = "--profile", required = true, paramLabel = "PROFILE",
                description = "expressway or webex-meetings-server.")
        String profile;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "The satellite's transport URL.")
        URI url;

        @Option(names = "--pid", paramLabel = "PID", description = "The product id of the UDI.")
        String pid;

        @Option(names = "--serial", paramLabel = "SERIAL", description = "The serial number of the UDI.")
        String serial;

        @Option(names = "--size", paramLabel = "SIZE", defaultValue = "large",
                description = "Webex system size: micro, small, medium, large or extra-large (default: large).")
        String size;

        @Option(names = "--data-centers", paramLabel = "N", defaultValue = "1", description = "Webex: 1 or 2.")
        int dataCenters;

        @Override
        int call(PrintWriter out) throws TransportException {
            if (ProductState.readIfExists(stateFile()) != null) {
                throw new IllegalStateException(stateFile() + " already holds a product");
            }
            Profile p = Profile.byWord(profile).orElseThrow(() -> new IllegalArgumentException(
                    "--profile must be expressway or webex-meetings-server"));
            SystemSize s = SystemSize.byWord(size).orElseThrow(() -> new IllegalArgumentException(
                    "--size must be micro, small, medium, large or extra-large"));
            if (dataCenters != 1 && dataCenters != 2) {
                throw new IllegalArgumentException("--data-centers must be 1 or 2");
            }
            TransportClient.requireTransportUrl(url);
            Instant now = SatelliteAdmin.health(TransportClient.httpClient(TransportClient.readRoot(product().ca)), url);
            Product created = Product.init(p, s, dataCenters, pid != null ? pid : p.defaultPid(),
                    serial != null ? serial : "SS" + Long.toString(now.toEpochMilli(), 36).toUpperCase(), url, now,
                    product().ca);
            created.state().clockOffsetMillis = now.toEpochMilli() - System.currentTimeMillis();
            created.reapply();
            created.save(stateFile());
            out.println(p.title() + " " + created.page().udi() + " created; evaluation period ends "
                    + now.plus(Timers.EVALUATION));
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register with a product instance registration token; a satellite that is unavailable is"
                    + " retried every 15 minutes.")
    static final class Register extends Sub {
        @Option(names = "--url", paramLabel = "URL", description = "The satellite's transport URL (default: init's).")
        URI url;

        @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "The registration token.")
        String token;

        @Option(names = "--overwrite", description = "Replace the satellite's existing instance with this UDI.")
        boolean overwrite;

        @Override
        int call(PrintWriter out) throws TransportException {
            Product product = open();
            if (url != null) {
                TransportClient.requireTransportUrl(url);
                product.state().url = url.toString();
            }
            var refused = product.register(token, overwrite);
            refused.forEach(r -> err().println("Refused: " + r.what() + " - " + r.reason()));
            done(product, out);
            return product.smartRegistered() ? 0 : REFUSED;
        }
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true,
            description = "Deregister, releasing every license; the product returns to evaluation mode while its 90"
                    + " days last.")
    static final class Deregister extends Sub {
        @Override
        int call(PrintWriter out) throws TransportException {
            Product product = open();
            product.deregister().forEach(r -> err().println("Warning: " + r.what() + " - " + r.reason()));
            return done(product, out);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set what is happening on the product, once: each option replaces that list (JSON, the"
                    + " scenario file's syntax); the rest stay. With no option the product only catches up its timers.",
                    "Example: set --calls '[{\"type\":\"b2b\",\"media\":\"video\",\"count\":3}]'"})
    static final class Set extends Sub {
        @Option(names = "--calls", paramLabel = "JSON", description = "Expressway calls in progress.")
        String calls;

        @Option(names = "--registrations", paramLabel = "JSON", description = "Expressway endpoint registrations.")
        String registrations;

        @Option(names = "--meetings", paramLabel = "JSON", description = "Webex meetings in progress.")
        String meetings;

        @Option(names = "--assign", paramLabel = "JSON", description = "Webex users assigned a Host license.")
        String assign;

        @Option(names = "--deactivate", paramLabel = "JSON", description = "Webex users deactivated.")
        String deactivate;

        @Override
        int call(PrintWriter out) throws TransportException, ScenarioException {
            ProductState peek = ProductState.readIfExists(stateFile());
            if (peek == null) {
                throw new IllegalStateException("no product in " + stateFile() + "; run `smartsat product init`");
            }
            ObjectNode step = JSON.createObjectNode().put("day", 0);
            put(step, "calls", calls);
            put(step, "registrations", registrations);
            put(step, "meetings", meetings);
            put(step, "assign", assign);
            put(step, "deactivate", deactivate);
            ObjectNode root = JSON.createObjectNode().put("product", peek.profile.word());
            root.putArray("steps").add(step);
            Activity.Change change;
            try {
                change = ScenarioParser.parse(root).steps().get(0).change();
            } catch (ScenarioException e) {
                // the options are one step's lists: name the option, not the step
                throw new IllegalArgumentException(e.getMessage().replaceFirst("^step 1, key ", "--"));
            }
            Product product = open();
            product.change(change);
            return done(product, out);
        }

        private static void put(ObjectNode step, String key, String json) {
            if (json == null) {
                return;
            }
            try {
                step.set(key, JSON.readTree(json));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--" + key + " is not JSON: " + e.getMessage());
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the product's Smart Licensing page (no network).")
    static final class Status extends Sub {
        @Option(names = "--json", description = "One JSON object instead of the page.")
        boolean json;

        @Override
        int call(PrintWriter out) {
            ProductState state = ProductState.readIfExists(stateFile());
            if (state == null) {
                throw new IllegalStateException("no product in " + stateFile() + "; run `smartsat product init`");
            }
            Instant now = Instant.ofEpochMilli(System.currentTimeMillis() + state.clockOffsetMillis);
            ProductPage page = ProductPage.of(state, now.isAfter(state.now) ? now : state.now);
            if (!json) {
                page.render().forEach(out::println);
                return 0;
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("product", page.profile().word());
            root.put("productInstanceIdentifier", page.productInstanceIdentifier());
            root.put("date", LocalDate.ofInstant(now.isAfter(state.now) ? now : state.now, ZoneOffset.UTC).toString());
            root.put("registrationStatus", page.registrationStatus());
            root.put("authorizationStatus", page.authorizationStatus());
            root.put("smartAccount", page.smartAccount());
            root.put("virtualAccount", page.virtualAccount());
            root.put("exportControlled", page.exportControlled());
            Timeline.licensesJson(root.putArray("licenses"), page.licenses());
            Timeline.refusedJson(root.putArray("refused"), page.refused());
            out.println(root.toPrettyString());
            return 0;
        }
    }
}
