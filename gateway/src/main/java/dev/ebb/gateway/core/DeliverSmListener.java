package dev.ebb.gateway.core;


import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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

    /**
     * Takes one deliver_sm and says when its deliver_sm_resp may leave: the SMSC forgets a receipt or MO it was told
     * Ebb took, so "taken" waits until what {@link #onDeliverSm} wrote is as durable as {@code storage.durability}
     * asks. By default at once.
     *
     * @return completes with the command_status of the deliver_sm_resp, possibly on another thread
     */
    default CompletionStage<Integer> take(InboundDeliverSm deliverSm) {
        return CompletableFuture.completedFuture(onDeliverSm(deliverSm));
    }

    /**
     * {@code listener} with each "taken" held until {@code durable} (called after {@link #onDeliverSm} returned)
     * completes; a refusal leaves at once, and a failure of {@code durable} becomes §5.1.3 0x64 ESME_RX_T_APPN, a
     * temporary error: the SMSC keeps the message and sends it again.
     */
    static DeliverSmListener answeringWhen(DeliverSmListener listener, Supplier<CompletableFuture<Void>> durable) {
        return new DeliverSmListener() {
            @Override
            public int onDeliverSm(InboundDeliverSm deliverSm) {
                return listener.onDeliverSm(deliverSm);
            }

            @Override
            public CompletionStage<Integer> take(InboundDeliverSm deliverSm) {
                return listener.take(deliverSm).thenCompose(status -> status != 0
                        ? CompletableFuture.completedFuture(status)
                        : durable.get().handle((forced, notForced) -> notForced == null ? 0 : 0x64));
            }
        };
    }

    /**
     * Receipts to {@code receipts}, mobile-originated messages to {@code mo}; anything else (acknowledgements,
     * intermediate notifications) is taken and dropped.
     */
    static DeliverSmListener byKind(DeliverSmListener receipts, DeliverSmListener mo) {
        return new DeliverSmListener() {
            @Override
            public int onDeliverSm(InboundDeliverSm deliverSm) {
                return deliverSm.isReceipt() ? receipts.onDeliverSm(deliverSm)
                        : deliverSm.isMobileOriginated() ? mo.onDeliverSm(deliverSm) : 0;
            }

            @Override
            public CompletionStage<Integer> take(InboundDeliverSm deliverSm) {
                return deliverSm.isReceipt() ? receipts.take(deliverSm) : deliverSm.isMobileOriginated()
                        ? mo.take(deliverSm) : CompletableFuture.completedFuture(0);
            }
        };
    }
}
