package dev.smartsat.product;

import java.util.List;

/** The Expressway document's Rich Media Session rule: how many RMS licenses the calls in progress use. */
public final class RichMediaSessions {
    private RichMediaSessions() {
    }

    /**
     * Video calls + ⌈audio-only SIP calls ÷ 2⌉ + other audio-only calls, of the consuming types only.
     * <ul>
     * <li>003:125 "consist of every other type of video or audio call" — B2B, Jabber Guest, interworking (003:127-130);
     *     registered, MRA, conferencing and cloud calls use none (003:108-117, 200-208, 369);</li>
     * <li>003:132 "Each RMS license allows either 1 video call or 2 audio only SIP calls";</li>
     * <li>003:133 "a 100 RMS license would allow 90 video and 20 SIP audio-only simultaneous calls";</li>
     * <li>003:134 "Any other type of audio-only call uses an RMS license."</li>
     * </ul>
     */
    public static int inUse(List<Call> calls) {
        long video = 0;
        long sipAudio = 0;
        long otherAudio = 0;
        for (Call call : calls) {
            if (!call.type().consumesRms()) {
                continue;
            }
            switch (call.media()) {
                case VIDEO -> video += call.count();
                case AUDIO -> sipAudio += call.count();
                case AUDIO_OTHER -> otherAudio += call.count();
            }
        }
        return Math.toIntExact(video + (sipAudio + 1) / 2 + otherAudio);
    }
}
