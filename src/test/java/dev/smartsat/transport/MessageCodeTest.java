package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.OnEachCryptoProvider;
import dev.smartsat.core.DeviceRefusal;
import dev.smartsat.pki.CryptoProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Every refusal of the domain is answered with the SPEC §3 code of the same name. */
@OnEachCryptoProvider
class MessageCodeTest {
    @Parameter
    CryptoProvider provider;

    @Test
    void everyReasonHasTheCodeOfItsName() {
        for (DeviceRefusal.Reason reason : DeviceRefusal.Reason.values()) {
            assertEquals(reason.name(), MessageCode.of(reason).name(), reason.toString());
        }
    }
}
