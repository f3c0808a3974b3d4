package dev.ebb.metadata;

/**
 * What the store keeps now, for metrics and operators: the retention of traffic data (DESIGN invariant 3) made visible.
 *
 * @param days       days kept (each a Chronicle cycle with its Merkle tree, index and key), the current one included
 * @param records    traffic records in them
 * @param bytes      bytes of their files (cycles, signed heads, leaf logs, index segments)
 * @param daysPruned days dropped at the end of their retention since the store was opened
 */
public record StoreUsage(int days, long records, long bytes, long daysPruned) {
}
