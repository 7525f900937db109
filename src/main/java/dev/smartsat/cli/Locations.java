package dev.smartsat.cli;

import dev.smartsat.config.SettingsLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: where settings, data and certificates live. */
public final class Locations {
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
