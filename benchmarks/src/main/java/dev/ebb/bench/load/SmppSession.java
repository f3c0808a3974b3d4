package dev.ebb.bench.load;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One transceiver bind of the SMPP mode: keeps {@code window} submits in flight (or paces them), and takes the
 * receipts that come back as deliver_sm. Runs on its channel's event loop only.
 */
final class SmppSession extends ChannelInboundHandlerAdapter {
    /** SMPP 3.4 §5.2.12: esm_class bits 2–5 = 0001, an SMSC delivery receipt. */
    private static final int ESM_RECEIPT = 0x04;
    private static final byte[] TEXT = "Load test message 0123456789".getBytes(StandardCharsets.ISO_8859_1);

    private final String systemId;
    private final String password;
    private final int window;
    private final Run run;
    private final Pacer pacer;
    private final long[] sentAt = new long[1 << 16];
    private ChannelHandlerContext ctx;
    private int sequence;
    private int inFlight;
    private boolean finished;

    SmppSession(String systemId, String password, int window, Run run, int perSecond) {
        this.systemId = systemId;
        this.password = password;
        this.window = window;
        this.run = run;
        this.pacer = new Pacer(perSecond);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.writeAndFlush(new Pdu.Bind(BindType.TRANSCEIVER, ++sequence, systemId, password, "", (byte) 0x34, (byte) 0,
                (byte) 0, ""));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Pdu.BindResp resp) {
            if (resp.commandStatus() != 0) {
                System.err.println("bind refused: " + CommandStatus.name(resp.commandStatus()));
                finish();
                return;
            }
            pacer.start();
            if (pacer.paced()) {
                ctx.executor().scheduleAtFixedRate(this::fill, 1, 1, TimeUnit.MILLISECONDS);
            } else {
                fill();
            }
        } else if (msg instanceof Pdu.SubmitSmResp resp) {
            inFlight--;
            long now = System.nanoTime();
            if (resp.commandStatus() == 0) {
                run.stats().accepted(resp.messageId(), sentAt[resp.sequenceNumber() & 0xFFFF], now, run.receipts());
            } else {
                run.stats().refused(CommandStatus.name(resp.commandStatus()));
            }
            if (!pacer.paced()) {
                fill();
            }
            if (run.budget().spent() && inFlight == 0) {
                finish();
            }
        } else if (msg instanceof Pdu.DeliverSm deliver) {
            if ((deliver.esmClass() & 0x3C) == ESM_RECEIPT) {
                run.stats().receipt(receiptedId(deliver), System.nanoTime());
            }
            ctx.write(new Pdu.DeliverSmResp(deliver.sequenceNumber(), 0));
        } else if (msg instanceof Pdu.EnquireLink link) {
            ctx.write(new Pdu.EnquireLinkResp(link.sequenceNumber(), 0));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private void fill() {
        long owed = pacer.owed();
        boolean wrote = false;
        while (inFlight < window && owed-- > 0 && run.budget().take()) {
            int seq = ++sequence;
            sentAt[seq & 0xFFFF] = System.nanoTime();
            inFlight++;
            pacer.sent();
            run.stats().sent.increment();
            ctx.write(submit(seq));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        } else if (run.budget().spent() && inFlight == 0) {
            finish(); // the others sent the last messages while this bind had none in flight
        }
    }

    private Pdu.SubmitSm submit(int seq) {
        return Pdu.SubmitSm.builder().sequenceNumber(seq).source(new SmppAddress((byte) 5, (byte) 0, "EbbLoad"))
                .destination(new SmppAddress((byte) 1, (byte) 1, Destinations.digits(seq)))
                .registeredDelivery(run.receipts() ? 1 : 0).shortMessage(TEXT).build();
    }

    /** receipted_message_id (SMPP 3.4 §5.3.2.12, a C-octet string) if present, else the receipt text's id:. */
    private static String receiptedId(Pdu.DeliverSm deliver) {
        for (Tlv tlv : deliver.tlvs()) {
            if (tlv.tag() == Tlv.RECEIPTED_MESSAGE_ID) {
                byte[] value = tlv.value();
                int length = value.length > 0 && value[value.length - 1] == 0 ? value.length - 1 : value.length;
                return new String(value, 0, length, StandardCharsets.US_ASCII);
            }
        }
        return DeliveryReceipt.parse(new String(deliver.shortMessage(), StandardCharsets.ISO_8859_1)).id();
    }

    private void finish() {
        if (!finished) {
            finished = true;
            run.done().countDown();
        }
    }
}
