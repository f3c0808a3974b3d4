package dev.ebb.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a customer's tps holds over the cluster. Accepted submits are counted over whole seconds of steady
 * sending, with a rate low enough (20/s) that a loaded 2-core machine keeps up with twice it.
 */
class ClusterRateTest {
    private static final int TPS = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Kafka kafka;
    private ClusterSmsc smsc;
    private ClusterNodes nodes;

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (smsc != null) {
            smsc.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void sharesAddUpToTheRateAndFollowTheDemand() {
        assertThat(ClusterRate.share(TPS, 20, List.of(20.0))).isEqualTo(10);
        assertThat(ClusterRate.share(TPS, 30, List.of(10.0))).isEqualTo(15);
        assertThat(ClusterRate.share(TPS, 4, List.of(6.0))).as("asked less: each gets its own and half the rest")
                .isEqualTo(9);
        assertThat(ClusterRate.share(TPS, 10, List.of())).as("alone: the whole rate").isEqualTo(TPS);
        assertThat(ClusterRate.share(TPS, 0, List.of(40.0))).as("never nothing").isPositive();
    }

    /**
     * Two nodes, the customer bound to both, each bind sending the customer's whole rate (2 × tps together): the
     * cluster accepts tps ± 10 %. Then one node leaves; the other, sent 2 × tps alone, takes the whole rate within
     * seconds.
     */
    @Test
    void aCustomerBoundToTwoNodesIsHeldToItsRateAndANodeLeavingReDividesIt() throws Exception {
        kafka = Kafka.start();
        smsc = new ClusterSmsc();
        nodes = new ClusterNodes(dir, kafka.bootstrap(), "rate.", smsc.port());
        nodes.start("a", b -> b.tps(TPS));
        nodes.start("b", b -> b.tps(TPS));
        Await.until("both nodes bound and each knows the other", WAIT, () -> smsc.bound("a") && smsc.bound("b")
                && nodes.metric("a", "ebb_cluster_nodes") == 2 && nodes.metric("b", "ebb_cluster_nodes") == 2);
        ScheduledExecutorService senders = Executors.newScheduledThreadPool(2);
        try (Sender toA = new Sender(nodes.get("a").smppPort()); Sender toB = new Sender(nodes.get("b").smppPort())) {
            senders.scheduleAtFixedRate(toA::submit, 0, 1000 / TPS, TimeUnit.MILLISECONDS);
            senders.scheduleAtFixedRate(toB::submit, 0, 1000 / TPS, TimeUnit.MILLISECONDS);
            Thread.sleep(4_000); // the shares settle
            long from = System.nanoTime();
            Thread.sleep(10_000);
            long to = System.nanoTime();
            double rate = (toA.acceptedBetween(from, to) + toB.acceptedBetween(from, to)) / ((to - from) / 1e9);
            assertThat(rate).as("accepted per second over both nodes").isCloseTo(TPS, within(TPS * 0.1));

            // Not shutdownNow: an interrupt in the middle of a submit closes A's connection (an interruptible channel).
            senders.shutdown();
            assertThat(senders.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            nodes.stop("b");
            senders = Executors.newScheduledThreadPool(1);
            senders.scheduleAtFixedRate(toA::submit, 0, 500 / TPS, TimeUnit.MILLISECONDS);
            Thread.sleep(4_000); // within seconds
            from = System.nanoTime();
            Thread.sleep(8_000);
            to = System.nanoTime();
            assertThat(toA.acceptedBetween(from, to) / ((to - from) / 1e9)).as("A alone takes the whole rate")
                    .isCloseTo(TPS, within(TPS * 0.1));
            assertThat(toA.failures.get()).as("submits that got no answer").isZero();
            assertThat(toB.failures.get()).as("submits that got no answer").isZero();
        } finally {
            senders.shutdownNow();
        }
    }

    /** A transmitter submitting one message per call, remembering when each was accepted. */
    private static final class Sender implements AutoCloseable {
        private final RawSmppClient client;
        private final ConcurrentLinkedQueue<Long> accepted = new ConcurrentLinkedQueue<>();
        /** Counted, not thrown: a periodic task that throws is never run again, and the test would read 0/s. */
        private final AtomicInteger failures = new AtomicInteger();

        Sender(int port) throws Exception {
            client = new RawSmppClient(port).bind(BindType.TRANSMITTER, TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        }

        void submit() {
            try {
                client.send(Pdu.SubmitSm.builder().sequenceNumber(client.nextSequence())
                        .source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                        .destination(SmppAddress.international("+4790000400"))
                        .shortMessage("rate".getBytes(StandardCharsets.US_ASCII)).build());
                if (client.next(Pdu.SubmitSmResp.class).commandStatus() == 0) {
                    accepted.add(System.nanoTime());
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
        }

        long acceptedBetween(long from, long to) {
            return accepted.stream().filter(t -> t >= from && t < to).count();
        }

        @Override
        public void close() throws Exception {
            client.close();
        }
    }
}
