package dev.ebb.gateway.core;


/**
 * Receives what SMSCs send Ebb. Called on the connector's receiving threads: must not block, except for at most
 * {@link #MAX_BLOCKED} calls at once over all connectors (each bind has that many threads to spare).
 */
@FunctionalInterface
public interface DeliverSmListener {
    /** Calls that may block at once, over all connectors. */
    int MAX_BLOCKED = 2;

    /**
     * Takes one deliver_sm.
     *
     * @return the command_status of the deliver_sm_resp: 0 when taken, else an SMPP error (a temporary one asks
     *         the SMSC to retry later)
     */
    int onDeliverSm(InboundDeliverSm deliverSm);
}
