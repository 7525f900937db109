package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smartsat.product.EndpointRegistration.Protocol;
import dev.smartsat.product.EndpointRegistration.Via;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The room and desktop registration rule against the Expressway document's examples. */
class RoomAndDesktopRegistrationsTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // 003:193-195 a DX80 registered as SIP and as H.323: one desktop and one room
                Arguments.of(reg("Cisco Webex DX80", Protocol.SIP_AND_H323, 1, "CE9.15", Via.DIRECT), 1, 1),
                // 003:227-228 "a registration request with multiple aliases, like an MCU, consumes multiple room licenses"
                Arguments.of(reg("TelePresence MCU 5320", Protocol.H323, 3, null, Via.DIRECT), 3, 0),
                // 003:167-169 an EX90 on TC7.3.5 is earlier than TC7.3.6: a room system
                Arguments.of(reg("Cisco TelePresence EX90", Protocol.SIP, 1, "TC7.3.5", Via.DIRECT), 1, 0),
                Arguments.of(reg("Cisco TelePresence EX90", Protocol.SIP, 1, "TC7.3.6", Via.DIRECT), 0, 1),
                Arguments.of(reg("Cisco TelePresence EX60", Protocol.SIP, 1, "CE9.1", Via.DIRECT), 0, 1),
                Arguments.of(reg("Cisco Webex DX70", Protocol.SIP, 1, "CE8.1.2", Via.DIRECT), 1, 0),
                Arguments.of(reg("Cisco Webex DX70", Protocol.SIP, 1, "CE8.2", Via.DIRECT), 0, 1),
                // 003:162 Movi clients register as desktop systems
                Arguments.of(reg("Jabber Video for TelePresence (Movi)", Protocol.SIP, 1, "4.8", Via.DIRECT), 0, 1),
                Arguments.of(reg("movi", Protocol.SIP, 1, null, Via.PROXY_C), 0, 1),
                // 003:196-197 a room system registered by SIP and H.323: two rooms
                Arguments.of(reg("Cisco Webex Room Kit", Protocol.SIP_AND_H323, 1, null, Via.DIRECT), 2, 0),
                // 003:170 every H.323 endpoint is a room, even a desktop model
                Arguments.of(reg("Cisco TelePresence EX90", Protocol.H323, 1, "TC7.3.6", Via.DIRECT), 1, 0),
                // 003:157 "all other devices are considered room systems" — an unknown model too
                Arguments.of(reg("Acme Videophone 3000", Protocol.SIP, 1, null, Via.DIRECT), 1, 0),
                // 003:222-223 proxied through Expressway-C counts as direct; through Expressway-E, nothing
                Arguments.of(reg("Cisco Webex DX80", Protocol.SIP, 1, null, Via.PROXY_C), 0, 1),
                Arguments.of(reg("Cisco Webex Room Kit", Protocol.SIP, 2, null, Via.PROXY_E), 0, 0),
                // per alias and per device
                Arguments.of(new EndpointRegistration("Cisco Webex DX80", Protocol.SIP_AND_H323, 2, null, null, 3), 6, 6));
    }

    static EndpointRegistration reg(String model, Protocol protocol, int aliases, String software, Via via) {
        return new EndpointRegistration(model, protocol, aliases, software, via, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void licensesOfARegistration(EndpointRegistration r, int room, int desktop) {
        assertEquals(new RoomAndDesktopRegistrations.Licenses(room, desktop), RoomAndDesktopRegistrations.of(r));
    }

    @Test
    void aProxyRegistrationIsSipOnly() {
        // 003:188 "Proxy registration is possible with SIP endpoints only"
        assertThrows(IllegalArgumentException.class, () -> reg("Room", Protocol.H323, 1, null, Via.PROXY_E));
        assertThrows(IllegalArgumentException.class, () -> reg("Room", Protocol.SIP_AND_H323, 1, null, Via.PROXY_C));
    }
}
