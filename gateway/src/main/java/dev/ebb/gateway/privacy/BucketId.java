package dev.ebb.gateway.privacy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One customer's share of one time bucket: exactly one key and at most one content file.
 * Customer ids go into file names hex-encoded, so no id can escape its directory or collide on a case-insensitive
 * file system.
 */
record BucketId(String customerId, long startMillis) implements Comparable<BucketId> {
    Instant start() {
        return Instant.ofEpochMilli(startMillis);
    }

    String customerFileName() {
        return HexFormat.of().formatHex(customerId.getBytes(StandardCharsets.UTF_8));
    }

    static String customerFromFileName(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(BucketId other) {
        int byStart = Long.compare(startMillis, other.startMillis);
        return byStart != 0 ? byStart : customerId.compareTo(other.customerId);
    }

    @Override
    public String toString() {
        return "customer=" + customerId + " bucket=" + start();
    }
}
