package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.product.Call.Media;
import dev.smartsat.product.Call.Type;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Rich Media Session rule against the Expressway document's worked example and its call types. */
class RichMediaSessionsTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // 003:133 "a 100 RMS license would allow 90 video and 20 SIP audio-only simultaneous calls"
                Arguments.of("90 video + 20 SIP audio", List.of(new Call(Type.B2B, Media.VIDEO, 90),
                        new Call(Type.B2B, Media.AUDIO, 20)), 100),
                Arguments.of("odd SIP audio rounds up", List.of(new Call(Type.JABBER_GUEST, Media.AUDIO, 3)), 2),
                // 003:134 "Any other type of audio-only call uses an RMS license."
                Arguments.of("other audio uses a whole RMS", List.of(new Call(Type.INTERWORKING, Media.AUDIO_OTHER, 3)), 3),
                Arguments.of("SIP audio pairs across consuming types", List.of(new Call(Type.B2B, Media.AUDIO, 1),
                        new Call(Type.JABBER_GUEST, Media.AUDIO, 1)), 1),
                Arguments.of("registered, MRA, conference and cloud calls are free", List.of(
                        new Call(Type.REGISTERED, Media.VIDEO, 10), new Call(Type.MRA, Media.AUDIO, 10),
                        new Call(Type.CONFERENCE, Media.VIDEO, 5), new Call(Type.CLOUD, Media.AUDIO_OTHER, 5)), 0),
                Arguments.of("no calls", List.of(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void richMediaSessionsInUse(String name, List<Call> calls, int expected) {
        assertEquals(expected, RichMediaSessions.inUse(calls));
    }
}
