package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.net.TlsFiles;
import dev.ebb.gateway.testing.SelfSignedPem;
import dev.ebb.metadata.EventType;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The compliance listener with TLS configured the way an operator does it (PEM certificate chain and PKCS#8 key
 * files): disclosures travel encrypted, and a plain-HTTP client gets nothing.
 */
class ComplianceTlsTest extends ComplianceApiTestBase {
    private SelfSignedPem pem;

    @Override
    Optional<SslContext> tls() throws Exception {
        if (pem == null) {
            pem = new SelfSignedPem(dir.resolve("tls"));
        }
        return TlsFiles.serverContext(pem.certFile.toString(), pem.keyFile.toString(), "compliance.tlsCertFile");
    }

    @Override
    HttpClient client() throws Exception {
        tls();
        return HttpClient.newBuilder().sslContext(pem.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aQueryIsAnsweredOverTls() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = officerGet("/v1/retention/records?messageId=m1" + WINDOW);

        assertThat(r.uri().getScheme()).isEqualTo("https");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(recordLines(r.body())).hasSize(1);
    }

    @Test
    void plainHttpGetsNoAnswer() {
        HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/retention/records?messageId=m1" + WINDOW)).header("Authorization", "Bearer " + OFFICER)
                .timeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
