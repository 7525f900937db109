package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** TAG=COUNT as the command line takes it. */
class EntitlementTest {
    @Test
    void readsAnIsoTagWithItsCount() {
        Entitlement e = Entitlement.parse("regid.2016-07.com.cisco.EXPWY_RMS,1.0_8c1b5a4e-4c07-4f1e-9d53-1d2a7c2f0a11=25");
        assertEquals("regid.2016-07.com.cisco.EXPWY_RMS,1.0_8c1b5a4e-4c07-4f1e-9d53-1d2a7c2f0a11", e.tag());
        assertEquals(25, e.count());
    }

    @ParameterizedTest
    @CsvSource({"a=0,a,0", "'a=b=3',a=b,3", "' x = 7 ',x,7"})
    void splitsAtTheLastEqualsSign(String text, String tag, int count) {
        assertEquals(new Entitlement(tag, count), Entitlement.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tag", "=5", "tag=", "tag=-1", "tag=1.5", "tag=ten", "tag=99999999999", "a b=1"})
    void refusesWhatIsNotTagEqualsCount(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Entitlement.parse(text));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void theConverterMakesPicocliReportAUsageError() {
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> new Entitlement.Converter().convert("nope"));
    }
}
