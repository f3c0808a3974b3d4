package dev.ebb.gateway.southbound;

/** Receives what SMSCs send Ebb. Called on the connector's receiving threads: must not block. */
@FunctionalInterface
public interface DeliverSmListener {
    /**
     * Takes one deliver_sm.
     *
     * @return the command_status of the deliver_sm_resp: 0 when taken, else an SMPP error (a temporary one asks
     *         the SMSC to retry later)
     */
    int onDeliverSm(InboundDeliverSm deliverSm);
}
