package dev.ebb.gateway.http.api;

import java.util.List;

/**
 * A message as a customer posts it to {@code POST /v1/messages}, unparsed.
 *
 * @param to         the handset, E.164 ({@code +4790000001}; {@code 4790000001} too, or a national number when the
 *                   customer's {@code addressing} says so), read as SMPP ingress reads a TON 0 dest_addr; null when
 *                   {@code to} is an array ({@code recipients})
 * @param recipients the handsets of a batch ({@code to} given as a JSON array), each read as {@code to}; null for a
 *                   single {@code to}
 * @param from       the sender: an E.164 number, a short code of 3..8 digits, or an alphanumeric name of at most 11
 *                   GSM characters; absent: the customer's {@code defaultSender}
 * @param text       the message; GSM 7-bit when every character allows it, else UCS-2; split into concatenated
 *                   segments when it does not fit one
 * @param validity   how long to keep trying, ISO-8601 ({@code PT1H}); at most the content retention limit, which is
 *                   also the default
 * @param contentRetention how long Ebb may keep the text: {@code until-final}, {@code until-submitted} or an
 *                   ISO-8601 duration of at most {@code PT72H}; absent: the customer's {@code contentRetention}
 * @param reference  the customer's own label of the message, kept in clear in its traffic records (see
 *                   {@link ClientReference}), or null
 */
record SendRequest(String to, List<String> recipients, String from, String text, String validity,
                   String contentRetention, String reference) {
    @Override
    public String toString() {
        // Content and numbers stay out of anything printable.
        return "SendRequest[" + (recipients == null ? "" : recipients.size() + " recipients, ") + "validity="
                + validity + ", contentRetention=" + contentRetention + "]";
    }
}
