package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.KannelClient;
import dev.ebb.gateway.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18: what an SMSC receives for Kannel's {@code /cgi-bin/sendsms}, read from the bytes on its socket, next to
 * what Kannel 1.4.5's smsbox sent the same SMSC for the same query (bearerbox bound to a raw SMSC that logged each
 * submit_sm, 2026-12-01): one submit_sm per receiver of a space-separated {@code to}, and the data_coding, UDHI bit and
 * short_message octets of each {@code charset}, {@code coding} and {@code udh}. Kannel also sets esm_class's
 * store-and-forward mode bits (0x03); Ebb leaves the mode to the SMSC's default (0x00), so only the UDHI bit is
 * compared.
 */
class KannelSendSmsAtTheSmscTest {
    private static final String USERNAME = "kannel-app";
    private static final String PASSWORD = "s3cret-kannel";
    private static final String HASH = PasswordHash.hash(PASSWORD);
    private static final String SEND = "/cgi-bin/sendsms?username=" + USERNAME + "&password=" + PASSWORD + "&from=Ebb";
    private static final String ACCEPTED = "0: Accepted for delivery";
    private static final String DENIED = "Number(s) has/have been denied by white- and/or black-lists.";
    private static final int UDHI = 0x40;
    private static RawSmsc smsc;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.startedWith(dir -> TestGateway.builder(dir, smsc.port(), false)
            .customer(c -> c.sendsms(USERNAME, HASH)).build());

    @BeforeAll
    static void startSmsc() throws Exception {
        smsc = new RawSmsc();
    }

    /** Closed after every test's gateway: an SMSC gone first would only have the connector rebind. */
    @AfterAll
    static void stopSmsc() throws Exception {
        smsc.close();
    }

    /** Kannel's userguide on {@code to}: "multiple receivers separated by space"; a '+' in a query is one too. */
    @Test
    void everyReceiverOfASpaceSeparatedToGetsTheMessage() throws Exception {
        assertThat(send("&to=4790000701%204790000702+4790000703&text=hi")).containsExactly("202", ACCEPTED);

        for (String to : List.of("4790000701", "4790000702", "4790000703")) {
            assertThat(SubmitFrame.await(smsc, to, 1).get(0).shortMessageHex()).isEqualTo("6869");
        }
    }

    /** As smsbox: a word that is no number is dropped, a number given twice sent once, the others sent. */
    @Test
    void aWordThatIsNoNumberIsDroppedAndANumberGivenTwiceIsSentOnce() throws Exception {
        assertThat(send("&to=4790000711+abc+4790000712+%2B4790000711&text=hi")).containsExactly("202", ACCEPTED);

        SubmitFrame.await(smsc, "4790000711", 1);
        SubmitFrame.await(smsc, "4790000712", 1);
        assertThat(send("&to=abc+12x&text=hi")).containsExactly("400", DENIED);
    }

    /** The same bound as a JSON batch's {@code to}: 1,000 receivers are sent, one more refuses the request. */
    @Test
    void aThousandReceiversAreSentAndOneMoreRefusesTheRequest() throws Exception {
        String thousand = IntStream.range(0, 1_000).mapToObj(i -> Long.toString(4_791_000_000L + i))
                .collect(Collectors.joining("+"));

        assertThat(send("&to=" + thousand + "+4791999999&text=hi"))
                .containsExactly("400", "Too many receivers (more than 1000), rejected");
        assertThat(send("&to=" + thousand + "&text=hi")).containsExactly("202", ACCEPTED);
        Await.until("a submit_sm for each of 1,000 receivers", Duration.ofSeconds(60),
                () -> smsc.destinations().stream().filter(d -> d.startsWith("4791")).count() >= 1_000);
        assertThat(smsc.destinations().stream().filter(d -> d.startsWith("4791")).distinct().count()).isEqualTo(1_000);
        assertThat(smsc.destinations()).doesNotContain("4791999999");
    }

    /**
     * The customer's tps is charged per receiver: at 1 a second, the second and third receiver of one request find
     * it spent; the first is sent, and the answer is smsbox's for a multi-cast with failed receivers, naming them.
     */
    @Test
    void receiversOverTheCustomersRateFailAndAreNamed() throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false).tps(1)
                .customer(c -> c.sendsms(USERNAME, HASH)).build());

        assertThat(send("&to=4790000721+4790000722+4790000723&text=hi"))
                .containsExactly("503", "Sending failed. Failed receivers are: 4790000722 4790000723");
        SubmitFrame.await(smsc, "4790000721", 1);
        assertThat(SubmitFrame.to(smsc, "4790000722")).isEmpty();
    }

    /** ü and ß are in the GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1: 0x7E, 0x1E), € and [ in its extension. */
    @Test
    void aTextInIsoOrUtf8GoesAsGsm7BitAsKannelSendsIt() throws Exception {
        assertThat(send("&to=4790000731&text=Gr%FC%DFe&charset=ISO-8859-1")).containsExactly("202", ACCEPTED);
        assertThat(send("&to=4790000732&text=Gr%C3%BC%C3%9Fe&charset=UTF-8")).containsExactly("202", ACCEPTED);
        assertThat(send("&to=4790000733&text=%E2%82%AC%5B")).containsExactly("202", ACCEPTED);

        for (String to : List.of("4790000731", "4790000732")) {
            SubmitFrame f = SubmitFrame.await(smsc, to, 1).get(0);
            assertThat(f.dataCoding()).isEqualTo((byte) 0x00);
            assertThat(f.shortMessageHex()).as(to).isEqualTo("47727e1e65");
        }
        assertThat(SubmitFrame.await(smsc, "4790000733", 1).get(0).shortMessageHex()).isEqualTo("1b651b3c");
    }

    /** coding=1: the text's octets as they are, data_coding 0x04 (SMPP 3.4 §5.2.19: 8-bit binary). */
    @Test
    void codingOneSendsTheTextsOctetsAsEightBitData() throws Exception {
        assertThat(send("&to=4790000741&text=%00%01%FF%80&coding=1")).containsExactly("202", ACCEPTED);

        SubmitFrame f = SubmitFrame.await(smsc, "4790000741", 1).get(0);
        assertThat(f.dataCoding()).isEqualTo((byte) 0x04);
        assertThat(f.esmClass() & UDHI).isZero();
        assertThat(f.shortMessageHex()).isEqualTo("0001ff80");
    }

    /** coding=2: UCS-2 (0x08); the text is UTF-16BE unless a charset says otherwise, then converted. */
    @Test
    void codingTwoSendsUcs2FromUtf16OrFromTheCharsetGiven() throws Exception {
        assertThat(send("&to=4790000751&text=%00A%04%3F&coding=2")).containsExactly("202", ACCEPTED);
        assertThat(send("&to=4790000752&text=%C3%BC%E2%82%AC&coding=2&charset=UTF-8"))
                .containsExactly("202", ACCEPTED);

        SubmitFrame utf16 = SubmitFrame.await(smsc, "4790000751", 1).get(0);
        assertThat(utf16.dataCoding()).isEqualTo((byte) 0x08);
        assertThat(utf16.shortMessageHex()).isEqualTo("0041043f");
        SubmitFrame utf8 = SubmitFrame.await(smsc, "4790000752", 1).get(0);
        assertThat(utf8.dataCoding()).isEqualTo((byte) 0x08);
        assertThat(utf8.shortMessageHex()).isEqualTo("00fc20ac");
    }

    /**
     * A udh goes first in short_message with the UDHI bit set; without a coding the text is 8-bit data, as Kannel's
     * "compatibility mode" makes it (smsbox: no coding and a udh is DC_8BIT), with coding=2 UCS-2 after the header.
     */
    @Test
    void aUdhLeadsTheShortMessageWithUdhiAndMakesTheTextEightBitUnlessACodingIsGiven() throws Exception {
        assertThat(send("&to=4790000761&text=hello&udh=%05%00%03%01%02%01")).containsExactly("202", ACCEPTED);
        assertThat(send("&to=4790000762&text=%00h%00i&udh=%05%00%03%01%02%01&coding=2"))
                .containsExactly("202", ACCEPTED);

        SubmitFrame eightBit = SubmitFrame.await(smsc, "4790000761", 1).get(0);
        assertThat(eightBit.esmClass() & UDHI).isEqualTo(UDHI);
        assertThat(eightBit.dataCoding()).isEqualTo((byte) 0x04);
        assertThat(eightBit.shortMessageHex()).isEqualTo("050003010201" + "68656c6c6f");
        assertThat(eightBit.tlvHex()).as("no sar_ TLVs beside a udh").isEmpty();
        SubmitFrame ucs2 = SubmitFrame.await(smsc, "4790000762", 1).get(0);
        assertThat(ucs2.esmClass() & UDHI).isEqualTo(UDHI);
        assertThat(ucs2.dataCoding()).isEqualTo((byte) 0x08);
        assertThat(ucs2.shortMessageHex()).isEqualTo("050003010201" + "00680069");
    }

    private String[] send(String query) throws Exception {
        return KannelClient.get(gateway.http(), gateway.apiPort(), SEND + query);
    }
}
