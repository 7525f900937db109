package dev.smartsat.reservation;

import static dev.smartsat.transport.TestDevice.DNA_ADVANTAGE;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Main;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.transport.TestDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import picocli.CommandLine;

/**
 * Specific License Reservation end to end (SPEC §5): the real agent command line makes and installs the codes,
 * the real satellite reserves, updates, confirms and takes back, and every wrong input is refused with its
 * status and message while the pools, devices and events stay exactly as they were.
 */
@OnEachDatabase
class ReservationWorkflowTest {
    @Parameter
    TestDatabase database;

    static final String ACCOUNT = TestSatellite.ACCOUNT_PATH;
    static final String LAB = ACCOUNT + "/virtual-accounts/Lab";
    static final String DEFAULT = ACCOUNT + "/virtual-accounts/Default";

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    int serials;

    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir.resolve("sat"), database);
        admin = sat.adminToken();
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    // ---------------------------------------------------------------------------------------------
    // The whole cycle

    @Test
    void requestReserveInstallUpdateConfirmTransferReturn() throws IOException {
        Path device = dir.resolve("switch.json");
        // Lab starts with 4 Network Advantage and 4 DNA Advantage, nothing in use or reserved.
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 0, 4);
        assertPool(LAB, DNA_ADVANTAGE, 4, 0, 4);

        // 1. The device shows its request code.
        assertEquals(0, agent(device, "reserve", "request", "--pid", "C9300-24UX", "--serial", "SLR0001"), err());
        String requestCode = lastLine(out.toString());
        assertTrue(requestCode.startsWith("CB-ZC9300-24UX:SLR0001-"), out.toString());
        RequestCode.parse(requestCode); // its check byte is right

        // 2. The administrator reserves 2 Network Advantage and 1 DNA Advantage for it.
        Response reserved = reserve(LAB, requestCode, Map.of(NETWORK_ADVANTAGE, 2L, DNA_ADVANTAGE, 1L));
        assertEquals(200, reserved.status(), reserved.toString());
        assertEquals("SUCCESS", reserved.json().get("status").asText());
        JsonNode entry = reserved.json().get("authorizationCodes").get(0);
        assertEquals("SUCCESS", entry.get("status").asText());
        assertEquals(requestCode, entry.get("reservationCode").asText());
        assertEquals("P:C9300-24UX,S:SLR0001", entry.get("udi").asText());
        String piid = entry.get("productInstanceIdentifier").asText();
        String firstCode = entry.get("authorizationCode").asText();
        AuthorizationCode parsed = AuthorizationCode.parse(firstCode);
        assertEquals(piid, parsed.piid());
        assertTrue(parsed.verify(sat.server().pki().signingCert().getPublicKey()));
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 2, 2);
        assertPool(LAB, DNA_ADVANTAGE, 4, 1, 3);

        JsonNode listed = sat.get(LAB + "/devices?status=RESERVED", admin).json();
        assertEquals(1, listed.get("totalRecords").asInt(), listed.toString());
        JsonNode d = listed.get("devices").get(0);
        assertEquals(piid, d.get("productInstanceIdentifier").asText());
        assertEquals("RESERVED", d.get("registrationStatus").asText());
        assertEquals("AUTHORIZED", d.get("authorizationStatus").asText());
        assertEquals("RESERVED", d.get("reservation").get("status").asText());
        assertEquals(requestCode, d.get("reservation").get("reservationCode").asText());
        assertEquals(firstCode, d.get("reservation").get("authorizationCode").asText());
        assertEquals(0, sat.get(LAB + "/devices?status=REGISTERED", admin).json().get("totalRecords").asInt());

        // 3. The device installs the code and shows the reservation.
        assertEquals(0, agent(device, "reserve", "install", "--code-file", write("first.txt", firstCode)), err());
        assertTrue(out.toString().contains("Reservation installed for product instance " + piid), out.toString());
        assertFalse(out.toString().contains("Confirmation code"), out.toString());
        assertEquals(0, agent(device, "status"), err());
        String status = out.toString();
        assertTrue(status.contains("Registered – Specific License Reservation"), status);
        assertTrue(Pattern.compile("License authorization status:\\s+Authorized\\R").matcher(status).find(), status);
        assertTrue(status.contains(NETWORK_ADVANTAGE + ")  count 2  Reserved"), status);
        assertTrue(status.contains(DNA_ADVANTAGE + ")  count 1  Reserved"), status);

        // 4. Update: 3 Network Advantage and no DNA Advantage. Until confirmed the pools hold the larger quantities.
        Response update = sat.post(LAB + "/devices/" + piid + "/reservation", admin,
                "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":3}]}");
        assertEquals(200, update.status(), update.toString());
        assertEquals("PENDING_CONFIRMATION", update.json().get("status").asText());
        assertEquals(piid, update.json().get("productInstanceIdentifier").asText());
        String updatedCode = update.json().get("authorizationCode").asText();
        assertTrue(AuthorizationCode.parse(updatedCode).timestamp() > parsed.timestamp());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1);
        assertPool(LAB, DNA_ADVANTAGE, 4, 1, 3);
        assertEquals("PENDING_CONFIRMATION", device(LAB, piid).get("reservation").get("status").asText());

        // A wrong confirmation code changes nothing.
        Map<String, String> before = snapshot();
        Response wrong = sat.post(LAB + "/devices/" + piid + "/reservation/confirm", admin,
                "{\"confirmationCode\":\"00000000\"}");
        assertError(wrong, 422, "confirmationCode '00000000' is not the one the device shows");
        assertEquals(before, snapshot());

        // 5. The device installs the update and shows the confirmation code.
        assertEquals(0, agent(device, "reserve", "install", "--code-file", write("update.txt", updatedCode)), err());
        String confirmation = AuthorizationCode.parse(updatedCode).confirmationCode();
        assertTrue(out.toString().contains("Reservation updated for product instance " + piid), out.toString());
        assertTrue(out.toString().contains("Confirmation code (enter it on the satellite): " + confirmation),
                out.toString());
        // Installing the older code again is refused: the device keeps the update.
        assertEquals(2, agent(device, "reserve", "install", "--code-file", dir.resolve("first.txt").toString()));
        assertTrue(err().contains("is not newer than the installed one"), err());

        // 6. Confirmed: the new quantities take effect.
        Response confirmed = sat.post(LAB + "/devices/" + piid + "/reservation/confirm", admin,
                "{\"confirmationCode\":\"" + confirmation.toUpperCase() + "\"}");
        assertEquals(200, confirmed.status(), confirmed.toString());
        assertEquals("RESERVED", confirmed.json().get("reservation").get("status").asText());
        assertEquals(updatedCode, confirmed.json().get("reservation").get("authorizationCode").asText());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1);
        assertPool(LAB, DNA_ADVANTAGE, 4, 0, 4);
        assertError(sat.post(LAB + "/devices/" + piid + "/reservation/confirm", admin,
                "{\"confirmationCode\":\"" + confirmation + "\"}"), 409, "has no update awaiting confirmation");

        // The reservations report shows it, in JSON and CSV.
        JsonNode report = sat.get(ACCOUNT + "/reports/reservations?virtualAccount=Lab", admin).json();
        assertEquals(1, report.get("totalRecords").asInt(), report.toString());
        JsonNode row = report.get("rows").get(0);
        assertEquals(NETWORK_ADVANTAGE, row.get("entitlementTag").asText());
        assertEquals(3, row.get("quantity").asInt());
        assertEquals(requestCode, row.get("reservationCode").asText());
        String csv = sat.get(ACCOUNT + "/reports/reservations?format=csv", admin).body();
        assertTrue(csv.startsWith("virtualAccount,productInstanceIdentifier,udiPid,udiSerialNumber,reservationCode,"),
                csv);
        assertTrue(csv.contains("Lab," + piid + ",C9300-24UX,SLR0001," + requestCode + ",RESERVED,"), csv);

        // 7. Plain DELETE is refused: a reservation needs its return code.
        before = snapshot();
        assertError(sat.delete(LAB + "/devices/" + piid, admin), 409, "holds a Specific License Reservation");
        assertEquals(before, snapshot());

        // 8. Transfer to Default, which has the balance; the reservation and its licenses move with it.
        Response moved = sat.post(LAB + "/devices/" + piid + "/transfer", admin, "{\"targetVirtualAccount\":\"Default\"}");
        assertEquals(200, moved.status(), moved.toString());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 0, 4);
        assertPool(DEFAULT, NETWORK_ADVANTAGE, 20, 3, 17);

        // 9. The device returns the reservation; a wrong return code changes nothing, the right one removes it.
        assertEquals(0, agent(device, "reserve", "return"), err());
        String returnCode = lastLine(out.toString());
        assertEquals(57 + 9, returnCode.length(), returnCode);
        before = snapshot();
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/remove", admin, "{\"returnCode\":\""
                + returnCode.replace(returnCode.charAt(0), returnCode.charAt(0) == 'A' ? 'B' : 'A') + "\"}"), 422,
                "returnCode does not match the reservation of P:C9300-24UX,S:SLR0001");
        assertEquals(before, snapshot());
        Response removed = sat.post(DEFAULT + "/devices/" + piid + "/remove", admin,
                "{\"returnCode\":\"" + returnCode + "\"}");
        assertEquals(200, removed.status(), removed.toString());
        assertPool(DEFAULT, NETWORK_ADVANTAGE, 20, 0, 20);
        assertEquals(404, sat.get(DEFAULT + "/devices/" + piid, admin).status());
        assertEquals(0, sat.get(ACCOUNT + "/reports/reservations", admin).json().get("totalRecords").asInt());

        // The device is back in evaluation mode, and every step left its event.
        assertEquals(0, agent(device, "status"), err());
        assertTrue(Pattern.compile("Registration status:\\s+Unregistered\\R").matcher(out.toString()).find(),
                out.toString());
        assertTrue(out.toString().contains("Evaluation Mode"), out.toString());
        List<String> types = new ArrayList<>();
        sat.get(ACCOUNT + "/events?limit=1000", admin).json().get("events").forEach(e -> {
            if (piid.equals(e.path("productInstanceIdentifier").asText())) {
                types.add(e.get("type").asText());
            }
        });
        for (String type : List.of("RESERVATION_CREATED", "RESERVATION_UPDATED", "RESERVATION_CONFIRMED",
                "INSTANCE_TRANSFERRED", "RESERVATION_RETURNED")) {
            assertTrue(types.contains(type), type + " in " + types);
        }
    }

    @Test
    void aReturnCodeMadeFromAnInstalledButUnconfirmedUpdateAlsoRemovesTheReservation() throws IOException {
        Path device = dir.resolve("pending.json");
        agent(device, "reserve", "request", "--pid", "C9300-48P", "--serial", "SLRPEND1");
        Response r = reserve(DEFAULT, lastLine(out.toString()), Map.of(DNA_ADVANTAGE, 1L));
        String piid = r.json().get("authorizationCodes").get(0).get("productInstanceIdentifier").asText();
        assertEquals(0, agent(device, "reserve", "install", "--code-file",
                write("pend1.txt", r.json().get("authorizationCodes").get(0).get("authorizationCode").asText())));
        Response update = sat.post(DEFAULT + "/devices/" + piid + "/reservation", admin,
                "{\"licenses\":[{\"entitlementTag\":\"" + DNA_ADVANTAGE + "\",\"quantity\":2}]}");
        assertEquals(0, agent(device, "reserve", "install", "--code-file",
                write("pend2.txt", update.json().get("authorizationCode").asText())));
        assertEquals(0, agent(device, "reserve", "return"));
        Response removed = sat.post(DEFAULT + "/devices/" + piid + "/remove", admin,
                "{\"returnCode\":\"" + lastLine(out.toString()) + "\"}");
        assertEquals(200, removed.status(), removed.toString());
        assertPool(DEFAULT, DNA_ADVANTAGE, 20, 0, 20);
    }

    @Test
    void reservedLicensesAreNotThereForSmartDevices() {
        reservedPiid(LAB, "SLRSHARE", Map.of(NETWORK_ADVANTAGE, 3L));
        TestDevice smart = new TestDevice(sat, "C9300-24UX", "SMARTSHARE");
        assertEquals("OK", smart.register(sat.createToken("Lab", "{\"exportControlled\":\"Not Allowed\"}")).status());
        TestDevice.Answer one = smart.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        assertEquals("AUTHORIZED", one.data().get("authorization_status").asText(), one.toString());
        TestDevice.Answer two = smart.authorize(Map.of(NETWORK_ADVANTAGE, 2L));
        assertEquals("OUT_OF_COMPLIANCE", two.data().get("authorization_status").asText(), two.toString());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, -1);
        // And a reservation can never take what smart devices use: only the balance, which is now below zero.
        assertEntryError(reserve(LAB, RequestCode.newFor("C9300-24UX", "SLRMORE").text(), Map.of(NETWORK_ADVANTAGE, 1L)),
                422, "only 0 'Network Advantage' licenses are available");
    }

    // ---------------------------------------------------------------------------------------------
    // Every wrong input is refused and changes nothing

    @Test
    void badRequestCodesUnknownTagsAndOverBalanceAreRefusedWithNothingReserved() {
        String good = RequestCode.newFor("C9300-24UX", "SLRBAD" + (++serials)).text();
        String badCheck = good.substring(0, good.length() - 2) + (good.endsWith("00") ? "01" : "00");
        Map<String, String> before = snapshot();

        assertEntryError(reserve(LAB, badCheck, Map.of(NETWORK_ADVANTAGE, 1L)), 422,
                "do not match the rest of the code: it was mistyped");
        assertEntryError(reserve(LAB, "CB-ZC9300-24UX", Map.of(NETWORK_ADVANTAGE, 1L)), 422,
                "is not a valid request code");
        assertEntryError(reserve(LAB, good, Map.of("regid.2099-01.com.cisco.nothing,1.0_x", 1L)), 422,
                "is not a license this satellite knows");
        assertEntryError(reserve(LAB, good, Map.of(NETWORK_ADVANTAGE, 5L)), 422,
                "only 4 'Network Advantage' licenses are available in virtual account 'Lab', not 5");
        assertEntryError(reserve(LAB, good, Map.of(NETWORK_ADVANTAGE, 0L)), 422, "must be at least 1");
        // The same UDI twice in one call.
        String twice = "{\"reservationRequests\":[" + request(good, Map.of(NETWORK_ADVANTAGE, 1L)) + ","
                + request(RequestCode.newFor("C9300-24UX", "SLRBAD" + serials).text(), Map.of(DNA_ADVANTAGE, 1L)) + "]}";
        assertEntryError(sat.post(LAB + "/reserve-licenses", admin, twice), 409, "appears twice in this call");
        // One good request and one over the balance: all or nothing, so the good one is not reserved either.
        String mixed = "{\"reservationRequests\":[" + request(good, Map.of(NETWORK_ADVANTAGE, 1L)) + ","
                + request(RequestCode.newFor("C9300-24UX", "SLRBADX" + serials).text(), Map.of(NETWORK_ADVANTAGE, 4L))
                + "]}";
        Response r = sat.post(LAB + "/reserve-licenses", admin, mixed);
        assertEntryError(r, 422, "only 3 'Network Advantage' licenses are available");
        assertTrue(r.json().get("authorizationCodes").get(0).get("statusMessage").asText().contains("all or nothing"),
                r.toString());
        assertNull(r.json().get("authorizationCodes").get(0).get("authorizationCode").textValue());
        // Malformed JSON and wrong types are the usual 400s.
        assertError(sat.post(LAB + "/reserve-licenses", admin, "{\"reservationRequests\": ["), 400, "");
        assertError(sat.post(LAB + "/reserve-licenses", admin, "{\"reservationRequests\":[{\"reservationCode\":\""
                + good + "\",\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":\"x\"}]}]}"),
                400, "reservationRequests[0].licenses[0].quantity");
        assertError(sat.post(LAB + "/reserve-licenses", admin, "{\"reservationRequests\":{}}"), 400,
                "reservationRequests must be an array");
        assertError(sat.post(LAB + "/reserve-licenses", admin, "{\"reservationRequests\":[]}"), 422,
                "at least one reservation request");

        assertEquals(before, snapshot());
    }

    @Test
    void aSecondReservationForTheSameUdiIsAConflict() {
        String code = RequestCode.newFor("C9300-24UX", "SLRDUP" + (++serials)).text();
        assertEquals(200, reserve(DEFAULT, code, Map.of(NETWORK_ADVANTAGE, 1L)).status());
        Map<String, String> before = snapshot();
        // A new request code from the same device (another nonce) is still the same UDI.
        String again = RequestCode.newFor("C9300-24UX", "SLRDUP" + serials).text();
        assertEntryError(reserve(DEFAULT, again, Map.of(NETWORK_ADVANTAGE, 1L)), 409, "already holds a reservation");
        assertEntryError(reserve(LAB, again, Map.of(NETWORK_ADVANTAGE, 1L)), 409, "already holds a reservation");
        // A UDI registered for Smart Licensing cannot be reserved either, and a reserved one cannot register.
        TestDevice smart = new TestDevice(sat, "C9300-24UX", "SLRSMART" + serials);
        String token = sat.createToken("Default", "{\"exportControlled\":\"Not Allowed\"}");
        assertEquals("OK", smart.register(token).status());
        before = snapshot();
        assertEntryError(reserve(DEFAULT, RequestCode.newFor("C9300-24UX", "SLRSMART" + serials).text(),
                Map.of(NETWORK_ADVANTAGE, 1L)), 409, "is registered for Smart Licensing");
        TestDevice reservedUdi = new TestDevice(sat, "C9300-24UX", "SLRDUP" + serials);
        TestDevice.Answer refused = reservedUdi.register(token, true);
        assertEquals("INSTANCE_EXISTS", refused.code(), refused.toString());
        assertEquals(before, snapshot());
    }

    @Test
    void updatesAndTransfersAboveTheBalanceAreRefused() {
        String piid = reservedPiid(DEFAULT, "SLRUPD", Map.of(NETWORK_ADVANTAGE, 10L));
        Map<String, String> before = snapshot();
        // Default has 20: 10 are this reservation's, so 10 more is the most an update may add.
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/reservation", admin,
                "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":21}]}"), 422,
                "only 10 'Network Advantage' licenses are available in virtual account 'Default', not 11");
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/reservation", admin, "{\"licenses\":[]}"), 422,
                "licenses must name at least one");
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/reservation", admin,
                "{\"licenses\":[{\"entitlementTag\":\"regid.nothing\",\"quantity\":1}]}"), 422,
                "is not a license this satellite knows");
        // Lab holds only 4 Network Advantage: the reservation of 10 cannot move there.
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/transfer", admin, "{\"targetVirtualAccount\":\"Lab\"}"),
                409, "cannot move the reservation of");
        // Reservation calls on an instance that holds none, and on one that does not exist.
        TestDevice smart = new TestDevice(sat, "C9300-24UX", "SLRSM" + (++serials));
        assertEquals("OK", smart.register(sat.createToken("Default", "{\"exportControlled\":\"Not Allowed\"}")).status());
        before = snapshot();
        assertError(sat.post(DEFAULT + "/devices/" + smart.piid + "/reservation", admin,
                "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":1}]}"), 409,
                "holds no Specific License Reservation");
        assertError(sat.post(DEFAULT + "/devices/" + smart.piid + "/remove", admin, "{\"returnCode\":\"x\"}"), 409,
                "holds no Specific License Reservation");
        assertError(sat.post(DEFAULT + "/devices/00000000-0000-0000-0000-000000000000/reservation/confirm", admin,
                "{\"confirmationCode\":\"00000000\"}"), 404, "no product instance");
        assertError(sat.post(DEFAULT + "/devices/" + piid + "/remove", admin, "{}"), 400, "returnCode");
        assertEquals(before, snapshot());
    }

    @Test
    void theAgentRefusesACodeForAnotherDeviceOrATamperedCodeAndInstallsNothing() throws IOException {
        String otherCode = reserve(DEFAULT, RequestCode.newFor("C9300-24UX", "SLROTHER" + (++serials)).text(),
                Map.of(DNA_ADVANTAGE, 1L)).json().get("authorizationCodes").get(0).get("authorizationCode").asText();
        Path device = dir.resolve("careful.json");
        assertEquals(0, agent(device, "reserve", "request", "--pid", "C9300-24UX", "--serial", "SLRMINE" + serials));
        String mine = reserve(DEFAULT, lastLine(out.toString()), Map.of(DNA_ADVANTAGE, 2L)).json()
                .get("authorizationCodes").get(0).get("authorizationCode").asText();
        String stateBefore = Files.readString(device);

        assertEquals(2, agent(device, "reserve", "install", "--code-file", write("other.txt", otherCode)));
        assertTrue(err().contains("The Reservation Authorization Code does not match the Reservation Request Code"),
                err());
        assertEquals(stateBefore, Files.readString(device));

        // One byte changed inside the signed part: the count 2 becomes 3.
        String tampered = mine.replace("<count>2</count>", "<count>3</count>");
        assertNotEquals(mine, tampered);
        assertEquals(2, agent(device, "reserve", "install", "--code-file", write("tampered.txt", tampered)));
        assertTrue(err().contains("The Reservation Authorization Code signature is not valid"), err());
        assertEquals(stateBefore, Files.readString(device));

        assertEquals(2, agent(device, "reserve", "install", "--code-file", write("junk.txt", "<specificPLR>")));
        assertTrue(err().contains("The Reservation Authorization Code is not valid"), err());
        assertEquals(2, agent(device, "reserve", "return"));
        assertTrue(err().contains("holds no reservation"), err());
        assertEquals(stateBefore, Files.readString(device));

        // The genuine code installs.
        assertEquals(0, agent(device, "reserve", "install", "--code-file", write("mine.txt", mine)), err());
    }

    /** The README's recipe: the signed bytes and the signature, checked by OpenSSL alone. */
    @Test
    void anAuthorizationCodeVerifiesWithPlainOpenSsl() throws Exception {
        String code = reserve(DEFAULT, RequestCode.newFor("C9300-24UX", "SLROSSL" + (++serials)).text(),
                Map.of(DNA_ADVANTAGE, 1L)).json().get("authorizationCodes").get(0).get("authorizationCode").asText();
        Path work = Files.createDirectories(dir.resolve("openssl"));
        String signed = code.substring(code.indexOf("<authorizationCode>"),
                code.indexOf("</authorizationCode>") + "</authorizationCode>".length());
        String signature = code.substring(code.indexOf("<signature>") + 11, code.indexOf("</signature>"));
        Files.writeString(work.resolve("signed.xml"), signed, StandardCharsets.UTF_8);
        Files.write(work.resolve("signature.der"), Base64.getDecoder().decode(signature));
        Path signingPem = sat.dir().resolve("certs/signing.pem");
        assertEquals(0, run(work, "openssl", "x509", "-in", signingPem.toString(), "-pubkey", "-noout", "-out",
                "signing-pub.pem"));
        assertEquals(0, run(work, "openssl", "dgst", "-sha256", "-verify", "signing-pub.pem", "-signature",
                "signature.der", "signed.xml"));
        Files.writeString(work.resolve("signed.xml"), signed.replace("<count>1</count>", "<count>9</count>"));
        assertEquals(1, run(work, "openssl", "dgst", "-sha256", "-verify", "signing-pub.pem", "-signature",
                "signature.der", "signed.xml"));
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    int agent(Path state, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("agent", "--state", state.toString(), "--ca",
                sat.dir().resolve("certs/ca.pem").toString()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    String err() {
        return err.toString();
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1].strip();
    }

    String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content + "\n").toString();
    }

    static String request(String code, Map<String, Long> licenses) {
        StringBuilder lines = new StringBuilder();
        licenses.forEach((tag, quantity) -> lines.append(lines.length() == 0 ? "" : ",")
                .append("{\"entitlementTag\":\"").append(tag).append("\",\"quantity\":").append(quantity).append('}'));
        return "{\"reservationCode\":\"" + code + "\",\"reservationType\":\"SPECIFIC\",\"licenses\":[" + lines + "]}";
    }

    Response reserve(String va, String code, Map<String, Long> licenses) {
        return sat.post(va + "/reserve-licenses", admin, "{\"reservationRequests\":[" + request(code, licenses) + "]}");
    }

    String reservedPiid(String va, String serialPrefix, Map<String, Long> licenses) {
        Response r = reserve(va, RequestCode.newFor("C9300-24UX", serialPrefix + (++serials)).text(), licenses);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("authorizationCodes").get(0).get("productInstanceIdentifier").asText();
    }

    JsonNode device(String va, String piid) {
        Response r = sat.get(va + "/devices/" + piid, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    void assertPool(String va, String tag, long quantity, long reserved, long balance) {
        for (JsonNode l : sat.get(va + "/licenses", admin).json().get("licenses")) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                String what = va + " " + tag + ": " + l;
                assertEquals(quantity, l.get("quantity").asLong(), what);
                assertEquals(reserved, l.get("reserved").asLong(), what);
                assertEquals(balance, l.get("balance").asLong(), what);
                return;
            }
        }
        throw new AssertionError("no pool of " + tag + " in " + va);
    }

    static void assertError(Response r, int status, String message) {
        assertEquals(status, r.status(), r.toString());
        assertEquals("ERROR", r.json().get("status").asText(), r.toString());
        assertTrue(r.json().get("message").asText().contains(message), "'" + message + "' in " + r);
    }

    /** A refused reserve-licenses call: its status, ERROR, and a failing entry saying why. */
    static void assertEntryError(Response r, int status, String message) {
        assertError(r, status, "");
        boolean found = false;
        for (JsonNode e : r.json().get("authorizationCodes")) {
            assertEquals("ERROR", e.get("status").asText(), r.toString());
            assertTrue(e.get("authorizationCode").isNull(), r.toString());
            found |= e.get("statusMessage").asText().contains(message);
        }
        assertTrue(found, "'" + message + "' in a statusMessage of " + r);
    }

    /** What a reservation call may change: both virtual accounts' pools and devices, and the events. */
    Map<String, String> snapshot() {
        Map<String, String> state = new LinkedHashMap<>();
        for (String path : List.of(LAB + "/licenses", DEFAULT + "/licenses", LAB + "/devices?limit=1000",
                DEFAULT + "/devices?limit=1000", ACCOUNT + "/events?limit=1000")) {
            Response r = sat.get(path, admin);
            assertEquals(200, r.status(), path + " → " + r);
            state.put(path, r.body());
        }
        return state;
    }

    static int run(Path workDir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        return p.exitValue();
    }
}
