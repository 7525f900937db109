package dev.smartsat.cli;

import dev.smartsat.config.Settings;
import dev.smartsat.server.Logging;
import dev.smartsat.server.SmartSatServer;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smartsat serve}: the satellite, or with --role cssm the simulated vendor cloud. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the satellite (or, with --role cssm, the simulated vendor cloud) over HTTPS.")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Locations locations = new Locations();

    @Option(names = "--port", paramLabel = "N", description = "HTTPS port (default 8443).")
    Integer port;

    @Option(names = "--role", paramLabel = "ROLE", description = "satellite or cssm (default satellite).")
    String role;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = locations.loader().flag("server.port", port).flag("role", role).load();
        Logging.apply(settings.logging());
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
