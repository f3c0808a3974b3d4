package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.metadata.EventType;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The compliance listener with TLS configured the way an operator does it (PEM certificate chain and PKCS#8 key
 * files): disclosures travel encrypted, and a plain-HTTP client gets nothing.
 */
class ComplianceTlsTest extends ComplianceApiTestBase {
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();
    private Certificate certificate;

    @Override
    Optional<SslContext> tls() throws Exception {
        Path cert = dir.resolve("tls/cert.pem");
        Path key = dir.resolve("tls/key.pem");
        if (!Files.exists(cert)) {
            writePemFiles(cert, key);
        }
        return ComplianceServer.tlsContext(new ComplianceConfig("127.0.0.1", 0, List.of(), 0, null,
                cert.toString(), key.toString(), 0, null));
    }

    @Override
    HttpClient client() throws Exception {
        tls();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ebb", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
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

    /** A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written out as PEM files. */
    private void writePemFiles(Path cert, Path key) throws Exception {
        Files.createDirectories(cert.getParent());
        Path p12 = cert.resolveSibling("ebb.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "ebb", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", new String(STORE_PASSWORD)).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, STORE_PASSWORD);
        }
        certificate = store.getCertificate("ebb");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", store.getKey("ebb", STORE_PASSWORD).getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
