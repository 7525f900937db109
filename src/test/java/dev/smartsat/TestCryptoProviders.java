package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.CryptoProviders;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The crypto providers the classes marked {@link OnEachCryptoProvider} run on: both, or those the system property
 * {@code smartsat.test.cryptoProviders} names ({@code -Dsmartsat.test.cryptoProviders=bouncycastle} on a machine where
 * ACCP's native library does not load; there the ACCP runs fail rather than pass unnoticed on BouncyCastle).
 */
public final class TestCryptoProviders {
    private TestCryptoProviders() {}

    public static List<CryptoProvider> selected() {
        String names = System.getProperty("smartsat.test.cryptoProviders", "");
        if (names.isBlank()) {
            return List.of(CryptoProvider.values());
        }
        return Arrays.stream(names.split(",")).map(n -> CryptoProvider.valueOf(n.strip().toUpperCase(Locale.ROOT)))
                .toList();
    }

    /** Each selected provider on each selected database, for {@link OnEachCryptoProviderAndDatabase}. */
    public static Stream<Arguments> onEachDatabase() {
        return selected().stream().flatMap(p -> TestDatabase.selected().stream().map(d -> Arguments.of(p, d)));
    }

    /**
     * The provider is process-global, and surefire runs the classes one after another in one JVM: each invocation of
     * a class switches to its provider before anything of it runs ({@code @BeforeAll} excepted: a class keeps no
     * keys there), checks after each test that the process is still on it — for signatures and for what the JDK's
     * TLS gets — and puts back the provider it found.
     */
    static final class Switch implements BeforeClassTemplateInvocationCallback, AfterEachCallback,
            AfterClassTemplateInvocationCallback {
        private static final String ACCP = "AmazonCorrettoCryptoProvider";
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Switch.class);

        @Override
        public void beforeClassTemplateInvocation(ExtensionContext context) {
            context.getStore(NAMESPACE).put("before", CryptoProviders.current().setting());
            CryptoProviders.use(named(context).setting());
        }

        @Override
        public void afterEach(ExtensionContext context) throws GeneralSecurityException {
            boolean accp = named(context) == CryptoProvider.ACCP;
            assertEquals(named(context), CryptoProviders.current().kind(), "the test ran on the provider it names");
            assertEquals(accp ? ACCP : "BC", Crypto.provider().getName(), "keys and signatures");
            assertEquals(accp, Signature.getInstance(Crypto.SIGNATURE_ALGORITHM).getProvider().getName().equals(ACCP),
                    "TLS's ECDSA comes from ACCP exactly when it is chosen");
            assertEquals(accp, Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName().equals(ACCP),
                    "TLS's AES-GCM comes from ACCP exactly when it is chosen");
        }

        @Override
        public void afterClassTemplateInvocation(ExtensionContext context) {
            CryptoProviders.use(context.getStore(NAMESPACE).get("before", String.class));
        }

        private static CryptoProvider named(ExtensionContext context) {
            Object[] arguments = ParameterInfo.get(context).getArguments().toArray();
            return Arrays.stream(arguments).filter(CryptoProvider.class::isInstance).map(CryptoProvider.class::cast)
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "an @OnEachCryptoProvider class takes a CryptoProvider parameter"));
        }
    }
}
