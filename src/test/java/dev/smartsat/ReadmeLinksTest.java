package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository stands alone: its README and docs link only to files in it, and name nothing outside it. */
class ReadmeLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#]+)(#[^)]*)?\\)");
    private static final Pattern OUTSIDE = Pattern.compile("(?<![.])\\.\\./|SPEC\\.md|SPEC §|\\bshared/");

    @Test
    void readmeAndDocsLinkOnlyToFilesInTheRepository() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("certs/README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher outside = OUTSIDE.matcher(text);
            while (outside.find()) {
                problems.add(page + ": names something outside the repository near '"
                        + text.substring(Math.max(0, outside.start() - 30), Math.min(text.length(), outside.end() + 30)) + "'");
            }
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http://") || target.startsWith("https://")) {
                    problems.add(page + ": links to the web: " + target);
                } else if (!Files.exists(page.toAbsolutePath().getParent().resolve(target).normalize())) {
                    problems.add(page + ": links to a missing file: " + target);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
