package dev.ebb.gateway.smpp.pdu;

import io.netty.channel.CombinedChannelDuplexHandler;

/** Decoder and encoder as one pipeline element, for both ends of a connection (Ebb's server and its simulator). */
public final class SmppCodec extends CombinedChannelDuplexHandler<SmppDecoder, SmppEncoder> {
    public SmppCodec(int maxCommandLength) {
        this(new PduCodec(maxCommandLength));
    }

    private SmppCodec(PduCodec codec) {
        super(new SmppDecoder(codec), new SmppEncoder(codec));
    }
}
