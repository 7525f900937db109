package dev.smartsat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the annotated test class once on each database the store runs on ({@link TestDatabase#selected()}): the
 * class takes the database in a {@code @Parameter TestDatabase} field and starts its satellites and stores on it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass
@MethodSource("dev.smartsat.TestDatabase#selected")
public @interface OnEachDatabase {}
