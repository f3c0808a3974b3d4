package dev.ebb.gateway.southbound;

/** Receives what SMSCs send Ebb. Called on the connector's receiving threads: must not block. */
@FunctionalInterface
public interface DeliverSmListener {
    void onDeliverSm(InboundDeliverSm deliverSm);
}
