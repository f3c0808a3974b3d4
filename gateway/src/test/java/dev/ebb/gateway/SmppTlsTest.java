package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.SelfSignedPem;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMPP over TLS, configured with PEM files: a jSMPP client (an SMPP implementation independent of Ebb's) binds over
 * TLS, checking the gateway's certificate, submits and gets its receipt; a bind in the clear gets no answer.
 */
class SmppTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tlsDir;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private SelfSignedPem pem;

    @BeforeEach
    void start() throws Exception {
        pem = new SelfSignedPem(tlsDir);
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true)
                .smpp(TestConfigs.smppServer().tls(pem.certFile.toString(), pem.keyFile.toString()).build()).build());
    }

    @Test
    void aJsmppClientBindsOverTlsCheckingTheCertificateAndGetsItsReceipt() throws Exception {
        SSLSocketFactory tls = pem.clientContext().getSocketFactory();
        ConnectionFactory overTls = (host, port) -> new SocketConnection(tls.createSocket(host, port));

        try (EsmeClient esme = new EsmeClient(gateway.smppPort(), TestGateway.SYSTEM_ID, TestGateway.PASSWORD,
                overTls)) {
            String id = esme.submit("+4790000095", "over TLS", StandardCharsets.US_ASCII, (byte) 0);

            Await.until("the receipt over TLS", WAIT, () -> esme.receiptFor(id) != null);
        }
    }

    @Test
    void aPlainBindIsNotAnsweredAndTheConnectionClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.smppPort())) {
            socket.setSoTimeout(10_000);
            // bind_transceiver (SMPP 3.4 §4.1.5) in the clear: system_id, password, system_type, version, ton, npi,
            // address_range.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes((TestGateway.SYSTEM_ID + "\0" + TestGateway.PASSWORD + "\0\0")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[] {0x34, 0, 0, 0});
            ByteBuffer pdu = ByteBuffer.allocate(16 + body.size()).putInt(16 + body.size()).putInt(0x09).putInt(0)
                    .putInt(1).put(body.toByteArray());
            socket.getOutputStream().write(pdu.array());

            assertThat(socket.getInputStream().read()).as("no SMPP answer, the connection is closed").isEqualTo(-1);
        }
    }
}
