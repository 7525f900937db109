package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.product.EndpointRegistration.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An Expressway's enforcement: 003:467-468, no new device registrations after an expired evaluation. */
class ExpresswayTest {
    static EndpointRegistration room(int count) {
        return new EndpointRegistration("Cisco Webex Room Kit", Protocol.SIP, 1, null, null, count);
    }

    static EndpointRegistration dx80(int count) {
        return new EndpointRegistration("Cisco Webex DX80", Protocol.SIP, 1, null, null, count);
    }

    static Activity registrations(EndpointRegistration... r) {
        return Activity.NONE.with(new Activity.Change(null, List.of(r), null, null, null));
    }

    @Test
    void inEvaluationEveryRegistrationIsAccepted() {
        Expressway.Outcome out = Expressway.apply(registrations(room(8), dx80(2)), List.of(room(5)), false);
        assertEquals(Map.of(ProductLicense.ROOM_SYSTEM, 8, ProductLicense.DESKTOP_SYSTEM, 2), out.usage());
        assertEquals(List.of(), out.refused());
    }

    @Test
    void evaluationExpiredKeepsWhatItHadAndRefusesWhatIsNew() {
        Expressway.Outcome out = Expressway.apply(registrations(room(8), dx80(2)), List.of(room(5)), true);
        assertEquals(Map.of(ProductLicense.ROOM_SYSTEM, 5), out.usage());
        assertEquals(List.of(room(5)), out.accepted());
        assertEquals(List.of("Cisco Webex Room Kit (sip) x3", "Cisco Webex DX80 (sip) x2"),
                out.refused().stream().map(Refusal::what).toList());
        // fewer than it had: all kept, nothing refused; and the rest cannot come back while it lasts
        Expressway.Outcome fewer = Expressway.apply(registrations(room(3)), out.accepted(), true);
        assertEquals(List.of(room(3)), fewer.accepted());
        assertEquals(1, Expressway.apply(registrations(room(5)), fewer.accepted(), true).refused().size());
    }
}
