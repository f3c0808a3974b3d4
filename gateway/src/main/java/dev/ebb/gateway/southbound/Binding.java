package dev.ebb.gateway.southbound;

/** One of a connector's binds, whichever SMPP client drives it ({@link NettySmscBind}, jSMPP's {@link SmscBind}). */
interface Binding {
    /** Starts binding in the background, and sending once bound. */
    void start();

    /** Bound and able to submit. */
    boolean isBound();

    /** submit_sm sent and not yet answered. */
    int inFlight();

    /** Stops taking messages, waits (bounded) for the submits in flight to be answered, unbinds and closes. */
    void close();
}
