package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** AES-SIV against the test vectors of RFC 5297 Appendix A. */
class AesSivTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void deterministicExampleOfRfc5297A1() {
        assertThat(encrypt("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
                "112233445566778899aabbccddee", "101112131415161718191a1b1c1d1e1f2021222324252627"))
                .isEqualTo("85632d07c6e8f37f950acd320a2ecc93" + "40c02b9690c4dc04daef7f6afe5c");
    }

    @Test
    void nonceBasedExampleOfRfc5297A2WithAPlaintextLongerThanABlock() {
        assertThat(encrypt("7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f",
                "7468697320697320736f6d6520706c61696e7465787420746f20656e6372797074207573696e67205349562d414553",
                "00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa99887766554433221100",
                "102030405060708090a0", "09f911029d74e35bd84156c5635688c0"))
                .isEqualTo("7bdb6e3b432667eb06f4d14bff2fbd0f" + "cb900f2fddbe404326601965c889bf17"
                        + "dba77ceb094fa663b7a3f748ba8af829" + "ea64ad544a272e9c485b62a3fd5c0d");
    }

    @Test
    void emptyPlaintextWithoutAssociatedData() {
        assertThat(encrypt("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", ""))
                .isEqualTo("f2007a5beb2b8900c588a7adf599f172");
    }

    @Test
    void ctrFromTheSyntheticIvDecryptsWhatItEncrypted() {
        AesSiv siv = new AesSiv(new byte[32], new byte[32]);
        byte[] iv = new byte[16];
        byte[] plain = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011");
        byte[] data = plain.clone();
        siv.syntheticIv(siv.associatedData(new byte[] {2}), data, data.length, iv);
        siv.ctr(iv, data, 0, data.length);
        assertThat(data).isNotEqualTo(plain);
        siv.ctr(iv, data, 0, data.length);
        assertThat(data).isEqualTo(plain);
    }

    /** RFC 5297 §2.6 output {@code V ‖ C} in hex; the key is S2V's half followed by CTR's half. */
    private static String encrypt(String key, String plaintext, String... associatedData) {
        byte[] k = HEX.parseHex(key);
        AesSiv siv = new AesSiv(Arrays.copyOfRange(k, 0, k.length / 2), Arrays.copyOfRange(k, k.length / 2,
                k.length));
        byte[] p = HEX.parseHex(plaintext);
        byte[] v = new byte[16];
        siv.syntheticIv(siv.associatedData(Arrays.stream(associatedData).map(HEX::parseHex).toArray(byte[][]::new)),
                p, p.length, v);
        siv.ctr(v, p, 0, p.length);
        return HEX.formatHex(v) + HEX.formatHex(p);
    }
}
