package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The agent's command line without a satellite: help, usage errors, and the status of a device at first start. */
class AgentCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = new CommandLine(new AgentCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "register", "renew-id", "authorize", "deregister", "status", "hello", "fleet"})
    void everySubcommandHasHelp(String command) {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        assertEquals(0, run(args));
        assertTrue(out.toString().startsWith("Usage: agent"), out.toString());
    }

    @Test
    void statusStartsTheDeviceInEvaluationModeAndWritesAnOwnerOnlyStateFile() throws Exception {
        Path state = dir.resolve("device.json");
        assertEquals(0, run("--state", state.toString(), "--ca", dir.resolve("absent-ca.pem").toString(), "status"));
        assertTrue(out.toString().contains("Registration status:             Unregistered\n"), out.toString());
        assertTrue(out.toString().contains("Evaluation Mode (90 days remaining)"), out.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        String firstStart = StateFile.readIfExists(state).firstStart().toString();
        assertEquals(0, run("status", "--state", state.toString()));
        assertEquals(firstStart, StateFile.readIfExists(state).firstStart().toString(), "the first start is kept");
    }

    @Test
    void aBadEntitlementIsAUsageError() {
        assertEquals(2, run("--state", dir.resolve("d.json").toString(), "authorize", "--entitlement", "tag"));
        assertTrue(err.toString().contains("TAG=COUNT"), err.toString());
    }

    @Test
    void aDeviceCommandWithoutStateIsAUsageError() {
        assertEquals(2, run("status"));
        assertTrue(err.toString().contains("--state"), err.toString());
    }

    @Test
    void anUnregisteredDeviceCannotAuthorize() {
        assertEquals(2, run("--state", dir.resolve("d.json").toString(), "authorize"));
        assertTrue(err.toString().contains("not registered"), err.toString());
    }

    @Test
    void hostnameAndNoHostnameExcludeEachOther() {
        assertEquals(2, run("--state", dir.resolve("d.json").toString(), "register", "--url", "https://localhost:1/SmartTransport",
                "--token", "t", "--pid", "P", "--serial", "S", "--hostname", "h", "--no-hostname"));
    }

    @Test
    void aSatelliteThatCannotBeReachedExitsThreeAndRecordsARegistrationFailure() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, dev.smartsat.pki.PemFiles.toPem(
                dev.smartsat.pki.Pki.loadOrCreate(dir.resolve("certs"), java.util.List.of("localhost"),
                        java.time.Clock.systemUTC()).root()));
        Path state = dir.resolve("d.json");
        int code = run("--state", state.toString(), "--ca", ca.toString(), "register",
                "--url", "https://127.0.0.1:1/SmartTransport", "--token", "t", "--pid", "P", "--serial", "S");
        assertEquals(3, code);
        assertTrue(err.toString().startsWith("registration failed: UNREACHABLE — "), err.toString());
        assertEquals(DeviceState.RegistrationState.REGISTRATION_FAILED, StateFile.readIfExists(state).registrationState());
    }

    @Test
    void aTokenThatBeginsWithADashIsATokenNotAnOption() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, dev.smartsat.pki.PemFiles.toPem(
                dev.smartsat.pki.Pki.loadOrCreate(dir.resolve("certs"), java.util.List.of("localhost"),
                        java.time.Clock.systemUTC()).root()));
        CommandLine cli = dev.smartsat.Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // "-V…" also starts like the -V (version) option; URL-safe base64 tokens can begin with it.
        int code = cli.execute("agent", "--state", dir.resolve("dash.json").toString(), "--ca", ca.toString(),
                "register", "--url", "https://127.0.0.1:1/SmartTransport", "--token", "-VlU955r4fG-WOFArjlqK",
                "--pid", "P", "--serial", "S");
        assertEquals(3, code, err.toString());
        assertTrue(err.toString().startsWith("registration failed: UNREACHABLE — "), err.toString());
    }
}
