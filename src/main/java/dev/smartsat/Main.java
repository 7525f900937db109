package dev.smartsat;

import dev.smartsat.cli.SmartSatCommand;
import picocli.CommandLine;

/** The entry point: hands the arguments to the command line of {@code cli/}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for main and for tests that drive it. */
    public static CommandLine commandLine() {
        return SmartSatCommand.commandLine();
    }
}
