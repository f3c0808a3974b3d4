package dev.ebb.metadata;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Random;

/** Test records. */
final class Records {
    private Records() {
    }

    static TrafficRecord.Builder accepted(Instant at, String messageId, String destination) {
        try {
            return TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(at).messageId(messageId)
                    .customerId("acme").channel(Channel.SMPP).systemId("acme01")
                    .clientIp(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
                    .source(SourceAddress.alphanumeric("ACME")).destination(destination).route("simulator");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A random record from small pools, so that queries have several hits. */
    static TrafficRecord random(Random rnd, Instant at, int n) {
        String[] customers = {"acme", "globex", "initech", "umbrella"};
        EventType type = EventType.values()[rnd.nextInt(EventType.values().length)];
        String number = "+4790" + String.format("%06d", rnd.nextInt(40));
        SourceAddress source = rnd.nextBoolean() ? SourceAddress.international("+4791" + String.format("%06d",
                rnd.nextInt(40))) : SourceAddress.alphanumeric("SENDER" + rnd.nextInt(3));
        if (rnd.nextInt(5) == 0) {
            source = SourceAddress.international(number);
        }
        try {
            return TrafficRecord.builder().eventType(type).eventTime(at).messageId("m-" + rnd.nextInt(200))
                    .customerId(customers[rnd.nextInt(customers.length)])
                    .channel(Channel.values()[rnd.nextInt(Channel.values().length)])
                    .systemId(rnd.nextBoolean() ? "sys" + rnd.nextInt(9) : null)
                    .clientIp(rnd.nextBoolean() ? InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n}) : null)
                    .source(source).destination(number).segment(1, 1 + rnd.nextInt(3), rnd.nextInt(65536))
                    .dataCoding(rnd.nextInt(256)).route(rnd.nextBoolean() ? "route" + rnd.nextInt(4) : null)
                    .smscMessageId(rnd.nextBoolean() ? Long.toHexString(rnd.nextLong()) : null)
                    .commandStatus(rnd.nextInt()).errorCode(rnd.nextInt(1000))
                    .validUntil(rnd.nextBoolean() ? at.plusSeconds(3600) : null)
                    // From n, not rnd: the other fields stay what they were for a given seed.
                    .reference(n % 3 == 0 ? "ref-" + n % 7 + "-Å" : null).build();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
