package dev.ebb.metadata;

/**
 * A record as read back, with where it is stored (for {@link MetadataStore#inclusionProof(RecordRef)}).
 *
 * @param ref    its position
 * @param record the decrypted record
 */
public record StoredRecord(RecordRef ref, TrafficRecord record) {
}
