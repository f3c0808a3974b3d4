package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponsesTest {
    /**
     * Issue 12: each connection of the customer API built its own mappers and so built their serializers again for
     * its first answer, which cost a new connection most of its time.
     */
    @Test
    void everyListenerAndConnectionSharesOneMapper() {
        assertThat(Responses.mapper()).isSameAs(Responses.mapper());
    }
}
