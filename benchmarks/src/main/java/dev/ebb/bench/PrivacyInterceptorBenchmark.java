package dev.ebb.bench;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What accepting one message costs before submit_sm_resp may go out: seal + AES-GCM + vault append, and
 * the ACCEPTED traffic record (identifier encryption, blind index, Merkle leaf, Chronicle append).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class PrivacyInterceptorBenchmark {
    private Path dir;
    private ContentVault vault;
    private MetadataStore metadata;
    private PrivacyInterceptor privacy;
    private long sequence;
    private byte[] text;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ebb-interceptor-bench");
        Clock clock = Clock.systemUTC();
        vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")), ContentConfig.defaults(), clock);
        metadata = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock);
        privacy = new PrivacyInterceptor(vault, metadata, clock);
        text = "Your verification code is 123456. It expires in 10 minutes.".getBytes(StandardCharsets.ISO_8859_1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vault.close();
        metadata.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public PrivacyInterceptor.Accepted accept() {
        long n = sequence++;
        String id = Long.toString(n, 36);
        OutboundMessage message = OutboundMessage.builder(id, "bench")
                .source(new SmppAddress((byte) 5, (byte) 0, "Ebb"))
                .destination(SmppAddress.international("47" + (900_000_00L + n % 10_000_000L)))
                .registeredDelivery((byte) 1).dataCoding((byte) 3).shortMessage(text).build();
        return privacy.accept(new Submission(message, new Submission.Ingress(Channel.SMPP, "bench", "127.0.0.1"),
                java.time.Instant.now()), "sim");
    }
}
