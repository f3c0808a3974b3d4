package dev.ebb.metadata;

/** A stored record that is torn, altered or of an unknown layout. */
final class CorruptRecordException extends RuntimeException {
    CorruptRecordException(String message) {
        super(message);
    }
}
