package dev.smartsat.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Help texts are copied from: a path, file name or URL in them must never be split over two lines. picocli wraps
 * at 80 columns with Java's line breaker, which breaks after '.' and '/', so the texts are written to fit.
 */
class HelpTextTest {
    /** A token with a '/', '.' or ':' inside it: a path, a file name, a URL, a key such as server.host_names. */
    private static final Pattern PATHLIKE = Pattern.compile("[^\\s()`'\",;]*[A-Za-z0-9_*<>-][/.:][A-Za-z0-9_*<>{-][^\\s()`'\",;]*");

    @Test
    void noHelpTextBreaksAPathOrUrl() {
        List<String> broken = new ArrayList<>();
        check(SmartSatCommand.commandLine(), broken);
        assertTrue(broken.isEmpty(), "help texts that wrap inside a path or URL (reword them):\n  "
                + String.join("\n  ", broken));
    }

    private static void check(CommandLine cli, List<String> broken) {
        CommandSpec spec = cli.getCommandSpec();
        String usage = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        for (ArgSpec arg : spec.args()) {
            texts.addAll(List.of(arg.renderedDescription()));
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            texts.addAll(List.of(sub.getCommandSpec().usageMessage().description()));
        }
        for (String text : texts) {
            Matcher m = PATHLIKE.matcher(text);
            while (m.find()) {
                String token = m.group().replaceAll("[.:]+$", "");
                if (!usage.contains(token)) {
                    broken.add(spec.qualifiedName() + ": " + token);
                }
            }
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommandSpec().parent() == spec) {
                check(sub, broken);
            }
        }
    }
}
