package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sync section runs as pasted: its bash blocks, in order, in one bash shell, against the packaged
 * jar, in an empty directory. Only the ports change (8443 and 9443 may be taken on a build machine): the
 * satellite's through {@code SMARTSAT_PORT}, the upstream's in the text.
 */
class ReadmeSyncIT {
    @TempDir
    Path dir;

    @Test
    void theSyncSectionRunsAsPasted() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("## Synchronizing with the upstream");
        assertTrue(start >= 0, "the README has no sync section");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        // The harness's own first lines: stop at the first failing command, and then stop the servers the section
        // started in the background, which would otherwise outlive the shell (they are no longer its descendants).
        StringBuilder script = new StringBuilder("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n");
        Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(section);
        int blocks = 0;
        while (block.find()) {
            script.append(block.group(1));
            blocks++;
        }
        assertEquals(3, blocks, "the section's bash blocks: set-up, disconnected, connected");

        int sat = freePort();
        int up = freePort();
        String text = script.toString().replace("localhost:8443", "localhost:" + sat)
                .replace("localhost:9443", "localhost:" + up).replace("--port 9443", "--port " + up);
        assertFalse(text.contains("8443") || text.contains("9443"), "every port was replaced:\n" + text);
        Files.writeString(dir.resolve("sync.sh"), text);
        Path jar = Path.of(System.getProperty("smartsat.jar", "target/smartsat.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "package the jar first: " + jar);
        Files.createDirectories(dir.resolve("target"));
        Files.createSymbolicLink(dir.resolve("target/smartsat.jar"), jar);

        Path output = dir.resolve("sync.out");
        ProcessBuilder bash = new ProcessBuilder("bash", "sync.sh").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        bash.environment().put("SMARTSAT_PORT", String.valueOf(sat));
        Process run = bash.start();
        try {
            boolean finished = run.waitFor(5, TimeUnit.MINUTES);
            String out = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(finished, "the section did not finish within 5 minutes:\n" + out);
            assertEquals(0, run.exitValue(), "the section failed:\n" + out + logs());
            assertTrue(out.contains("\"lastSequenceApplied\":1"), "the file exchange applied sequence 1:\n" + out);
            assertEquals(2, out.split("\"quantity\":125", -1).length - 1,
                    "100 seeded + 25 bought Rich Media Sessions, at the upstream and then on the satellite:\n" + out);
            assertTrue(out.contains("\"lastSequenceApplied\":2"), "the network sync applied sequence 2:\n" + out);
            assertTrue(out.contains("\"lastFailureReason\":\""), "the injected upstream fault failed a sync:\n" + out);
            assertTrue(out.contains("\"satellites\""), "the upstream lists its satellite:\n" + out);
            String satelliteLog = Files.readString(dir.resolve("satellite.log"), StandardCharsets.UTF_8);
            assertEquals(2, satelliteLog.split("SmartSat stopped", -1).length - 1, "both satellite runs stopped cleanly:\n"
                    + satelliteLog);
            assertTrue(Files.readString(dir.resolve("upstream.log")).contains("SmartSat stopped"), logs());
        } finally {
            run.descendants().forEach(ProcessHandle::destroy);
            run.destroyForcibly();
        }
    }

    private String logs() throws Exception {
        StringBuilder s = new StringBuilder();
        for (String name : new String[] {"satellite.log", "upstream.log"}) {
            Path log = dir.resolve(name);
            s.append("\n--- ").append(name).append(":\n").append(Files.exists(log) ? Files.readString(log) : "(none)");
        }
        return s.toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
