package dev.ebb.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.model.Msisdn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static Msisdn number(String e164) {
        return Msisdn.parse(e164);
    }

    /** The obvious quadratic answer the trie must agree with. */
    private static Optional<String> bruteForce(List<RouteConfig> routes, Msisdn destination) {
        RouteConfig best = null;
        for (RouteConfig route : routes) {
            if (destination.digits().startsWith(route.prefix())
                    && (best == null || route.prefix().length() > best.prefix().length())) {
                best = route;
            }
        }
        return Optional.ofNullable(best).map(RouteConfig::connector);
    }

    @Test
    void longestPrefixWins() {
        RouteTable table = new RouteTable(List.of(
                new RouteConfig("47", "norway"), new RouteConfig("4790", "norway-mobile"), new RouteConfig("479", "n9")));

        assertThat(table.connectorFor(number("+4790000000"))).contains("norway-mobile");
        assertThat(table.connectorFor(number("+4791000000"))).contains("n9");
        assertThat(table.connectorFor(number("+4722000000"))).contains("norway");
    }

    @Test
    void emptyPrefixIsTheDefaultRoute() {
        RouteTable table = new RouteTable(List.of(new RouteConfig("", "default"), new RouteConfig("47", "norway")));

        assertThat(table.connectorFor(number("+4612345678"))).contains("default");
        assertThat(table.connectorFor(number("+4712345678"))).contains("norway");
    }

    @Test
    void noMatchingRouteGivesEmpty() {
        RouteTable table = new RouteTable(List.of(new RouteConfig("47", "norway")));

        assertThat(table.connectorFor(number("+4612345678"))).isEmpty();
    }

    @Test
    void emptyTableRoutesNothing() {
        assertThat(new RouteTable(List.of()).connectorFor(number("+4612345678"))).isEmpty();
    }

    @Test
    void prefixWrittenWithPlusMatchesLikeDigits() {
        RouteTable table = new RouteTable(List.of(new RouteConfig("+44", "uk")));

        assertThat(table.connectorFor(number("+447911123456"))).contains("uk");
    }

    @Test
    void fullLengthPrefixMatchesExactNumber() {
        RouteTable table = new RouteTable(List.of(new RouteConfig("123456789012345", "one"), new RouteConfig("1", "us")));

        assertThat(table.connectorFor(number("+123456789012345"))).contains("one");
        assertThat(table.connectorFor(number("+123456789012344"))).contains("us");
    }

    @Test
    void duplicatePrefixIsRefused() {
        assertThatThrownBy(() -> new RouteTable(List.of(new RouteConfig("47", "a"), new RouteConfig("+47", "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("47");
    }

    @Test
    void agreesWithBruteForceOnRandomNumbers() {
        Random random = new Random(20260310);
        Map<String, RouteConfig> byPrefix = new LinkedHashMap<>();
        byPrefix.put("", new RouteConfig("", "default"));
        while (byPrefix.size() < 5_000) {
            String prefix = digits(random, 1 + random.nextInt(7));
            byPrefix.putIfAbsent(prefix, new RouteConfig(prefix, "c" + random.nextInt(50)));
        }
        List<RouteConfig> routes = new ArrayList<>(byPrefix.values());
        List<RouteConfig> withoutDefault = routes.subList(1, routes.size());
        RouteTable table = new RouteTable(routes);
        RouteTable noDefault = new RouteTable(withoutDefault);

        for (int i = 0; i < 10_000; i++) {
            Msisdn destination = number("+" + (1 + random.nextInt(9)) + digits(random, 7 + random.nextInt(7)));
            assertThat(table.connectorFor(destination)).as("%s", destination.e164())
                    .isEqualTo(bruteForce(routes, destination));
            assertThat(noDefault.connectorFor(destination)).as("%s", destination.e164())
                    .isEqualTo(bruteForce(withoutDefault, destination));
        }
    }

    private static String digits(Random random, int length) {
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
