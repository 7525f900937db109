package dev.smartsat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout of STYLE.md, enforced: no cycle between the packages under dev.smartsat, and the domain
 * (licensing, reservation, auth) and the shared core know nothing of HTTP, servlets, JSON or an HTTP client.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.smartsat");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("dev.smartsat.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theDomainKnowsNothingOfHttpOrJson() {
        noClasses().that().resideInAnyPackage("dev.smartsat.core..", "dev.smartsat.licensing..",
                        "dev.smartsat.reservation..", "dev.smartsat.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..",
                        "org.eclipse.jetty..", "com.fasterxml.jackson..", "java.net.http..")
                .check(classes);
    }

    /** The store API hides the SQL layer: no signature outside store/ names a Jdbi type (SPEC §10's dialects). */
    @Test
    void onlyTheStoreKnowsJdbi() {
        noClasses().that().resideOutsideOfPackage("dev.smartsat.store..")
                .should().dependOnClassesThat().resideInAPackage("org.jdbi..")
                .check(classes);
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        classes().that().resideInAPackage("dev.smartsat.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.smartsat.core..", "java..")
                .check(classes);
    }
}
