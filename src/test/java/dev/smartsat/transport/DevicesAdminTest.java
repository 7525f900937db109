package dev.smartsat.transport;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.pki.PemFiles;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** The administrator's view of devices, ID certificates that validate, and the CRL that lists revoked ones. */
@OnEachDatabase
class DevicesAdminTest {
    @Parameter
    TestDatabase database;

    private static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";

    @TempDir
    Path dir;

    @Test
    void listPagesAndFiltersDevices() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{}");
            for (int i = 0; i < 7; i++) {
                TestDevice d = new TestDevice(sat, i < 4 ? "C9300-24UX" : "EXPWY-VE-C-K9", "PAGE" + i);
                assertEquals("OK", d.register(token).status());
                if (i < 3) {
                    assertEquals("OK", d.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status());
                }
            }
            JsonNode page1 = sat.get(LAB + "/devices?limit=3&offset=0", admin).json();
            JsonNode page3 = sat.get(LAB + "/devices?limit=3&offset=6", admin).json();
            assertEquals(7, page1.get("totalRecords").asInt());
            assertEquals(3, page1.get("devices").size());
            assertEquals(1, page3.get("devices").size());
            Set<String> seen = new HashSet<>();
            for (int offset = 0; offset < 7; offset += 3) {
                sat.get(LAB + "/devices?limit=3&offset=" + offset, admin).json().get("devices")
                        .forEach(d -> seen.add(d.get("productInstanceIdentifier").asText()));
            }
            assertEquals(7, seen.size(), "pages neither overlap nor skip");

            assertEquals(3, count(sat, admin, "status=AUTHORIZED"));
            assertEquals(4, count(sat, admin, "status=NO_LICENSES_IN_USE"));
            assertEquals(7, count(sat, admin, "status=REGISTERED"));
            assertEquals(0, count(sat, admin, "status=REGISTRATION_EXPIRED"));
            assertEquals(3, count(sat, admin, "q=expwy"), "q matches the PID, ignoring case");
            assertEquals(1, count(sat, admin, "q=page5.example"), "q matches the host name");
            assertEquals(400, sat.get(LAB + "/devices?status=HAPPY", admin).status());
            assertEquals(400, sat.get(LAB + "/devices?limit=1001", admin).status());

            JsonNode d = sat.get(LAB + "/devices?q=PAGE0", admin).json().get("devices").get(0);
            for (String field : List.of("productInstanceIdentifier", "sudi", "hostName", "softwareTagIdentifier",
                    "registrationDate", "lastContactDate", "registrationStatus", "authorizationStatus",
                    "exportControlled", "licenseUsage", "virtualAccount", "reservation")) {
                assertTrue(d.has(field), field + " present (null when it has no value): " + d);
            }
            assertEquals("C9300-24UX", d.get("sudi").get("udiPid").asText());
            assertEquals("PAGE0", d.get("sudi").get("udiSerialNumber").asText());
            assertEquals("Allowed", d.get("exportControlled").asText());
            assertEquals(NETWORK_ADVANTAGE, d.get("licenseUsage").get(0).get("entitlementTag").asText());
            assertTrue(d.get("reservation").isNull());

            JsonNode report = sat.get(ACCOUNT_PATH + "/reports/devices?virtualAccount=Lab", admin).json();
            assertEquals(7, report.get("totalRecords").asInt());
            TestSatellite.Response csv = sat.get(ACCOUNT_PATH + "/reports/devices?format=csv", admin);
            assertEquals(200, csv.status());
            String[] lines = csv.body().split("\r\n");
            assertTrue(lines[0].startsWith("productInstanceIdentifier,udiPid,udiSerialNumber"), lines[0]);
            assertEquals(8, lines.length, "header and one row per device");
        }
    }

    @Test
    void aRegistrationAfterTheVirtualAccountWasRenamedCarriesTheNewName() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"exportControlled\":\"Not Allowed\"}");
            TestDevice first = new TestDevice(sat, "C9300-24UX", "RENAME1");
            assertEquals("OK", first.register(token).status());
            assertTrue(first.certificate.getSubjectX500Principal().getName().contains("OU=Lab,"),
                    first.certificate.getSubjectX500Principal().getName());
            assertEquals(200, sat.json("PATCH", LAB, admin, "{\"name\":\"Lab West\"}").status());
            // The same token again: its virtual account is now called Lab West, in the certificate and the answer.
            TestDevice second = new TestDevice(sat, "C9300-24UX", "RENAME2");
            TestDevice.Answer answer = second.register(token);
            assertEquals("OK", answer.status(), answer.toString());
            assertEquals("Lab West", answer.data().get("virtual_account").asText());
            assertTrue(second.certificate.getSubjectX500Principal().getName().contains("OU=Lab West,"),
                    second.certificate.getSubjectX500Principal().getName());
        }
    }

    @Test
    void idCertificatesValidateAndRevokedOnesAreInTheCrl() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            TestDevice d = new TestDevice(sat, "C9300-24UX", "CERT1");
            assertEquals("OK", d.register(sat.createToken("Lab", "{}")).status());
            X509Certificate first = d.certificate;
            validate(sat, first);
            assertTrue(first.getSubjectX500Principal().getName().contains(d.piid));
            assertTrue(first.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");

            Path certs = dir.resolve("certs");
            Path id = dir.resolve("id.pem");
            Files.writeString(id, PemFiles.toPem(first));
            assertTrue(openssl("verify", "-CAfile", certs.resolve("ca.pem").toString(), "-untrusted",
                    certs.resolve("product-ca.pem").toString(), id.toString()).contains("OK"));

            assertEquals("OK", d.renewSameKey("renamed.example.com").status());
            assertFalse(first.getSerialNumber().equals(d.certificate.getSerialNumber()));
            validate(sat, d.certificate);
            Set<String> revoked = revokedSerials(sat);
            assertTrue(revoked.contains(first.getSerialNumber().toString(16)), "a renewal revokes the old certificate at once");
            assertFalse(revoked.contains(d.certificate.getSerialNumber().toString(16)));
            JsonNode renewed = sat.get(ACCOUNT_PATH + "/events?type=INSTANCE_RENEWED", sat.adminToken()).json();
            assertTrue(renewed.get("events").get(0).get("message").asText().contains("renamed.example.com"));

            Path crl = dir.resolve("crl.pem");
            Files.writeString(crl, sat.get("/SmartTransport/crl", null).body());
            String checked = opensslAllowingFailure("verify", "-crl_check", "-CAfile", certs.resolve("ca.pem").toString(),
                    "-untrusted", certs.resolve("product-ca.pem").toString(), "-CRLfile", crl.toString(), id.toString());
            assertTrue(checked.contains("revoked"), checked);

            X509Certificate second = d.certificate;
            assertEquals("OK", d.deregister().status());
            assertTrue(revokedSerials(sat).contains(second.getSerialNumber().toString(16)), "deregistration revokes");
        }
    }

    private static int count(TestSatellite sat, String admin, String query) {
        TestSatellite.Response r = sat.get(LAB + "/devices?" + query, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("totalRecords").asInt();
    }

    private static void validate(TestSatellite sat, X509Certificate id) throws Exception {
        var pki = sat.server().pki();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(pki.root(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(id, pki.productCa())), params);
    }

    private static Set<String> revokedSerials(TestSatellite sat) throws Exception {
        String pem = sat.get("/SmartTransport/crl", null).body();
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        crl.verify(sat.server().pki().productCa().getPublicKey());
        assertTrue(crl.getNextUpdate().after(crl.getThisUpdate()));
        Set<String> serials = new HashSet<>();
        if (crl.getRevokedCertificates() != null) {
            crl.getRevokedCertificates().forEach(r -> serials.add(r.getSerialNumber().toString(16)));
        }
        return serials;
    }

    private static String openssl(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static String opensslAllowingFailure(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static Process start(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
