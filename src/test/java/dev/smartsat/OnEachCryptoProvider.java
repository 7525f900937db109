package dev.smartsat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the annotated test class once on each crypto provider ({@link TestCryptoProviders#selected()}): ACCP, then
 * BouncyCastle. The class takes the provider in a {@code @Parameter CryptoProvider} field; the process is switched
 * to it before the class's tests run, and each test must end on it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass
@MethodSource("dev.smartsat.TestCryptoProviders#selected")
@ExtendWith(TestCryptoProviders.Switch.class)
public @interface OnEachCryptoProvider {}
