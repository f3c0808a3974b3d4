package dev.ebb.gateway.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.TrafficQuery;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A compliance query names a number the way ingress stored it: the HTTP API ({@link Msisdn#parse}), SMPP ingress
 * with TON 0 ({@link Msisdn#fromSmpp}) and the compliance query read a written number by one rule, so a number
 * refused at ingress is refused as a query too, and one taken finds the records written for it.
 */
class QueryNumbersTest {
    private final QueryRules rules = new QueryRules(100, Period.ofMonths(12), new ContinuationTokens(new byte[32]),
            Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC));

    @ParameterizedTest
    @ValueSource(strings = {"+4790000001", "004790000001", "+47 900 00 001", "+47-900-00-001", "0047 900-00-001",
            "+123456789012345", "4790000001"})
    void aNumberIngressTakesIsQueriedAsIngressStoredIt(String written) {
        String stored = Msisdn.parse(written).e164();
        assertThat(Msisdn.fromSmpp(0, 0, written, Numbering.INTERNATIONAL).e164()).isEqualTo(stored);
        assertThat(criterionOf(written)).isEqualTo(new TrafficQuery.ByMsisdn(stored, TrafficQuery.Role.EITHER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+4790.000.001", "+1234567", "+1234567890123456", "+0790000001", "0790000001", "+47abc00001",
            "", " "})
    void aNumberIngressRefusesIsRefusedAsAQuery(String written) {
        assertThatThrownBy(() -> Msisdn.parse(written)).isInstanceOf(InvalidAddressException.class);
        assertThatThrownBy(() -> rules.toQuery(byMsisdn(written), "officer-1")).isInstanceOf(Rejection.class);
    }

    private TrafficQuery.Criterion criterionOf(String written) {
        return rules.toQuery(byMsisdn(written), "officer-1").criterion();
    }

    private static QueryParameters byMsisdn(String msisdn) {
        return new QueryParameters(msisdn, null, null, null, null, null, null, null);
    }
}
