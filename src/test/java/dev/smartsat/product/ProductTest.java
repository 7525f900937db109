package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A product that never talks to a satellite: its evaluation period and what it refuses once that has expired. */
class ProductTest {
    static final Instant T0 = Instant.parse("2027-01-01T00:00:00Z");
    static final URI URL = URI.create("https://localhost:1/SmartTransport");

    static Product webex(SystemSize size, int dataCenters) {
        return Product.init(Profile.WEBEX_MEETINGS_SERVER, size, dataCenters, "CWMS-4-K9", "T1", URL, T0, null);
    }

    static Activity.Change meetings(List<Meeting> meetings, List<String> assign, List<String> deactivate) {
        return new Activity.Change(null, null, meetings, assign, deactivate);
    }

    @Test
    void aWebexServerInEvaluationHoldsMeetingsWithUnlimitedHostLicenses() throws Exception {
        Product p = webex(SystemSize.LARGE, 1);
        p.change(meetings(List.of(new Meeting("alice", null, true, 1), new Meeting("bob", null, true, 2)), null, null));
        ProductPage page = p.page();
        assertEquals("Unregistered", page.registrationStatus());
        assertEquals("Evaluation Mode", page.authorizationStatus());
        assertEquals(List.of(new ProductPage.Line(ProductLicense.HOST.tag(), ProductLicense.HOST.displayName(), 2,
                "Evaluation Mode")), page.licenses());
        assertEquals(List.of(), page.refused());
    }

    @Test
    void anExpiredWebexEvaluationAllowsOnlyLicenseManagement() throws Exception {
        Product p = webex(SystemSize.LARGE, 1);
        p.advanceTo(T0.plus(Duration.ofDays(91)), null);
        p.change(meetings(List.of(new Meeting("alice", null, true, 1)), List.of("carol", "dave"), List.of("dave")));
        ProductPage page = p.page();
        assertEquals("Evaluation Expired", page.authorizationStatus());
        assertEquals(1, page.licenses().get(0).count(), "carol assigned, dave deactivated, alice held no meeting");
        assertEquals(List.of(new Refusal("user dave", "dave is deactivated and cannot be assigned a Host license"),
                new Refusal("meeting of alice", "Evaluation Expired: only license management is allowed")),
                page.refused());
    }

    @Test
    void anExtraLargeSystemUsesExtendedCapacityAndNoMultiDataCenterTrial() throws Exception {
        Product p = webex(SystemSize.EXTRA_LARGE, 2);
        p.reapply();
        ProductPage page = p.page();
        assertEquals(List.of(ProductLicense.EXTENDED_CAPACITY.displayName()),
                page.licenses().stream().map(ProductPage.Line::license).toList());
        assertEquals("data center 2", page.refused().get(0).what());
        assertTrue(page.refused().get(0).reason().contains("no trial period"), page.refused().toString());
    }

    @Test
    void theEvaluationDaysCountDown() throws Exception {
        Product p = Product.init(Profile.EXPRESSWAY, null, 1, "EXPWY-VM-K9", "T2", URL, T0, null);
        p.advanceTo(T0.plus(Duration.ofDays(30)), null);
        assertEquals(60, p.page().evaluationDaysLeft());
        assertTrue(p.page().render().contains("  License authorization status:      Evaluation Mode (60 days remaining)"),
                String.join("\n", p.page().render()));
    }
}
