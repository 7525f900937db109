package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.core.DeviceRefusal;
import org.junit.jupiter.api.Test;

/** Every refusal of the domain is answered with the SPEC §3 code of the same name. */
class MessageCodeTest {
    @Test
    void everyReasonHasTheCodeOfItsName() {
        for (DeviceRefusal.Reason reason : DeviceRefusal.Reason.values()) {
            assertEquals(reason.name(), MessageCode.of(reason).name(), reason.toString());
        }
    }
}
