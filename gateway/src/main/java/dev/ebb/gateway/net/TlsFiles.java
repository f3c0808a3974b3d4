package dev.ebb.gateway.net;

import dev.ebb.gateway.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** The server TLS context of a listener's configured PEM certificate chain and PKCS#8 key. */
public final class TlsFiles {
    private TlsFiles() {
    }

    /**
     * The context, or empty when the listener has no TLS files.
     *
     * @param configKey the key to name when the files cannot be used ({@code smpp.tlsCertFile}, …)
     * @throws ConfigException if the files cannot be read or do not match: the gateway does not start
     */
    public static Optional<SslContext> serverContext(String certFile, String keyFile, String configKey) {
        if (certFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SslContextBuilder.forServer(new File(certFile), new File(keyFile)).build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(configKey, "cannot be used: " + e.getMessage());
        }
    }
}
