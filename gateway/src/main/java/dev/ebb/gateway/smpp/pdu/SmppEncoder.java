package dev.ebb.gateway.smpp.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Pdu} records as SMPP frames. */
public final class SmppEncoder extends MessageToByteEncoder<Pdu> {
    private final PduCodec codec;

    public SmppEncoder(PduCodec codec) {
        super(Pdu.class);
        this.codec = codec;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Pdu pdu, ByteBuf out) {
        codec.encode(pdu, out);
    }
}
