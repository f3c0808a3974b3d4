package dev.ebb.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rule of the README's Layout section: packages follow the message, and each depends only on those
 * before it. A package in the same step as another (southbound and its simulator, the two HTTP listeners) depends
 * on neither of them. Only the gateway's main classes count; tests may reach across.
 */
class LayeringTest {
    private static final String ROOT = "dev.ebb.gateway";

    /** The order, first to last; each entry is one step, the packages in it are siblings. */
    private static final List<List<String>> STEPS = List.of(
            List.of("core"),
            List.of("config"),
            List.of("smpp.pdu"),
            List.of("net"),
            List.of("smpp"),
            List.of("privacy"),
            List.of("route"),
            List.of("southbound", "southbound.simulator"),
            List.of("receipt"),
            List.of("compliance"),
            List.of("cluster"),
            List.of("http"),
            List.of("http.api", "http.compliance", "http.witness"),
            List.of("cli"),
            List.of(""));

    /** The embedded SMSC stands apart from the gateway: it speaks Ebb's codec and nothing else of it. */
    private static final List<String> SIMULATOR_USES = List.of("core", "config", "smpp.pdu", "net", "southbound.simulator");

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        check(slices().matching(ROOT + ".(**)").should().beFreeOfCycles());
    }

    @Test
    void everyPackageDependsOnlyOnThoseBeforeIt() {
        List<ArchRule> rules = new ArrayList<>();
        for (int step = 0; step < STEPS.size(); step++) {
            List<String> later = STEPS.subList(step + 1, STEPS.size()).stream().flatMap(List::stream).toList();
            for (String pkg : STEPS.get(step)) {
                List<String> forbidden = new ArrayList<>(later);
                STEPS.get(step).stream().filter(sibling -> !sibling.equals(pkg)).forEach(forbidden::add);
                if (!forbidden.isEmpty()) {
                    rules.add(noClasses().that().resideInAPackage(name(pkg)).should().dependOnClassesThat()
                            .resideInAnyPackage(forbidden.stream().map(LayeringTest::name).toArray(String[]::new))
                            .as(display(pkg) + " depends only on the packages before it").allowEmptyShould(true));
                }
            }
        }
        check(rules.toArray(ArchRule[]::new));
    }

    @Test
    void theSimulatorUsesOnlyTheCodecAndTheModel() {
        String[] others = STEPS.stream().flatMap(List::stream).filter(p -> !SIMULATOR_USES.contains(p))
                .map(LayeringTest::name).toArray(String[]::new);
        check(noClasses().that().resideInAPackage(name("southbound.simulator")).should().dependOnClassesThat()
                .resideInAnyPackage(others).as("southbound.simulator uses only " + String.join(", ", SIMULATOR_USES)).allowEmptyShould(true));
    }

    @Test
    void everyPackageHasItsPlace() {
        List<String> known = STEPS.stream().flatMap(List::stream).map(LayeringTest::name).toList();
        Stream<String> placed = MAIN_CLASSES.stream().map(c -> c.getPackageName()).distinct();
        List<String> unplaced = placed.filter(p -> !known.contains(p)).sorted().toList();
        if (!unplaced.isEmpty()) {
            throw new AssertionError("packages missing from the layering (README, Layout): " + unplaced);
        }
    }

    /** Evaluates every rule, then fails with all their violations at once. */
    private static void check(ArchRule... rules) {
        String report = Stream.of(rules).map(r -> r.evaluate(MAIN_CLASSES)).filter(EvaluationResult::hasViolation)
                .map(r -> r.getFailureReport().toString()).collect(Collectors.joining("\n"));
        if (!report.isEmpty()) {
            throw new AssertionError(report);
        }
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? ROOT : ROOT + "." + pkg;
    }

    private static String display(String pkg) {
        return pkg.isEmpty() ? "the root package (Main)" : pkg;
    }
}
