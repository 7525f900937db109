package dev.smartsat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OnEachCryptoProvider} and {@link OnEachDatabase} together: the class runs on each pair, and takes them in
 * {@code @Parameter(0) CryptoProvider} and {@code @Parameter(1) TestDatabase} fields.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass
@MethodSource("dev.smartsat.TestCryptoProviders#onEachDatabase")
@ExtendWith(TestCryptoProviders.Switch.class)
public @interface OnEachCryptoProviderAndDatabase {}
