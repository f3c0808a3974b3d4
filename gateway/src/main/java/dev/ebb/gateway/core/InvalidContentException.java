package dev.ebb.gateway.core;

/**
 * A payload that is not well formed in its data coding, or text that cannot be encoded in the one asked for.
 * The message describes the problem by position and size only, never by content (DESIGN.md invariant 1).
 */
public final class InvalidContentException extends InvalidMessageException {
    public InvalidContentException(String message) {
        super(message);
    }
}
