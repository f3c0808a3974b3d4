package dev.ebb.gateway.smpp.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames bytes into {@link Pdu} records with {@link PduCodec}. A frame with an invalid body is passed on as an
 * {@link InvalidPdu} value for the session to answer; lost framing closes the connection, since no later byte can
 * be trusted to start a PDU. Handlers after it see a {@link Pdu} or an {@link InvalidPdu}, nothing else.
 */
public final class SmppDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(SmppDecoder.class);
    private final PduCodec codec;

    public SmppDecoder(PduCodec codec) {
        this.codec = codec;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!ctx.channel().isActive()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Pdu pdu = codec.decode(in);
            if (pdu != null) {
                out.add(pdu);
            }
        } catch (PduDecodingException e) {
            out.add(InvalidPdu.of(e));
        } catch (FramingException e) {
            // Not the exception's message: once framing is lost the "command_length" it names is four bytes of
            // whatever the peer sent, possibly message content.
            LOG.warn("closing SMPP connection from {}: framing lost (command_length out of range)",
                    ctx.channel().remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }
}
