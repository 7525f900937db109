package dev.smartsat.product;

import dev.smartsat.agent.TransportException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smartsat product run}: plays a scenario file against a satellite and prints the product's timeline. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Play a scenario (JSON or YAML) against a satellite whose clock this run owns, and print the"
                + " product's page after each step.",
                "With --state an existing product is continued and kept; without, it lives only for the run."})
final class ProductRunCommand extends ProductCommand.Sub {
    @Option(names = "--scenario", required = true, paramLabel = "FILE", description = "The scenario file.")
    Path scenario;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "The satellite's transport URL.")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "A registration token (default: the file's, else a fresh one at every register).")
    String token;

    @Option(names = "--admin-credentials", paramLabel = "FILE", defaultValue = "data/admin-credentials.json",
            description = "The admin client's credentials, for the clock, faults, tokens and reservations"
                    + " (default: ${DEFAULT-VALUE}).")
    Path adminCredentials;

    @Option(names = "--json", description = "Print one JSON object instead of the timeline.")
    boolean json;

    @Override
    int call(PrintWriter out) throws TransportException, ScenarioException {
        Scenario parsed;
        try {
            parsed = ScenarioParser.read(scenario);
        } catch (ScenarioException e) {
            throw new ScenarioException(scenario + ": " + e.getMessage());
        }
        Timeline timeline = new ScenarioRunner(new ScenarioRunner.Options(product().ca, url, token, adminCredentials,
                product().state), null).run(parsed);
        if (json) {
            out.println(timeline.toJson().toPrettyString());
        } else {
            timeline.render().forEach(out::println);
        }
        return 0;
    }
}
