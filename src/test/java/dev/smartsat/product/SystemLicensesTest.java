package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.product.SystemLicenses.Join;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The system license rule by size and data centers (the Webex document's SKUs). */
class SystemLicensesTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // 000:11 "A single data center does not require a system license."
                Arguments.of(SystemSize.LARGE, 1, Join.LICENSED, Map.of(), 0),
                Arguments.of(SystemSize.MICRO, 1, Join.LICENSED, Map.of(), 0),
                // 000:13 "The Extended Capacity feature requires a license."
                Arguments.of(SystemSize.EXTRA_LARGE, 1, Join.LICENSED, Map.of(ProductLicense.EXTENDED_CAPACITY, 1), 0),
                Arguments.of(SystemSize.SMALL, 2, Join.LICENSED, Map.of(ProductLicense.SMALL_MDC, 2), 0),
                Arguments.of(SystemSize.MEDIUM, 2, Join.LICENSED, Map.of(ProductLicense.MEDIUM_MDC, 2), 0),
                Arguments.of(SystemSize.LARGE, 2, Join.LICENSED, Map.of(ProductLicense.LARGE_XL_MDC, 2), 0),
                Arguments.of(SystemSize.EXTRA_LARGE, 2, Join.LICENSED, Map.of(ProductLicense.LARGE_XL_MDC, 2,
                        ProductLicense.EXTENDED_CAPACITY, 1), 0),
                // 000:15 "There is no trial period for a new Multi-data Center (MDC)."
                Arguments.of(SystemSize.LARGE, 2, Join.NOT_LICENSED, Map.of(), 1),
                // no MDC SKU for micro: its second data center is refused even when licensed otherwise
                Arguments.of(SystemSize.MICRO, 2, Join.LICENSED, Map.of(), 1));
    }

    @ParameterizedTest(name = "{0} with {1} data centers, {2}")
    @MethodSource("cases")
    void systemLicenses(SystemSize size, int dataCenters, Join join, Map<ProductLicense, Integer> licenses, int refused) {
        SystemLicenses.Result r = SystemLicenses.of(size, dataCenters, join);
        assertEquals(licenses, r.licenses());
        assertEquals(refused, r.refused().size());
        assertEquals(refused == 0 && dataCenters == 2, r.joined());
    }
}
