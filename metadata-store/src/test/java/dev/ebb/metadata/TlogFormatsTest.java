package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The C2SP formats byte for byte against fixed vectors: the specs' own examples (tlog-checkpoint, signed-note,
 * tlog-cosignature, tlog-tiles), the Go reference implementation's signed note (golang.org/x/mod/sumdb/note, whose
 * Ed25519 signature is deterministic, so it must come out the same), and Certificate Transparency's RFC 6962
 * consistency proof vectors.
 */
class TlogFormatsTest {
    private static final HexFormat HEX = HexFormat.of();
    // tlog-checkpoint's example.
    private static final String SOFA = "example.com/behind-the-sofa\n20852163\n"
            + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    private static final String SOFA_NOTE = SOFA + "\n\u2014 example.com/behind-the-sofa "
            + "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
    // signed-note's verifier key example.
    private static final String FOO_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    private static final String FOO_NOTE = "This is an example message.\n\n\u2014 example.com/foo "
            + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    // golang.org/x/mod/sumdb/note's example: its private key (0x01 || seed), vkey, text and signed note.
    private static final String GO_SEED = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    private static final String GO_NOTE = GO_TEXT + "\n\u2014 PeterNeumann "
            + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    // CT's RFC 6962 test leaves (as in MerkleTreeTest) and consistency proofs between their trees.
    private static final String[] CT_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};

    @Test
    void theCheckpointTextOfTheSpecsExampleIsExactlyItsBody() {
        Checkpoint cp = new Checkpoint("example.com/behind-the-sofa", 20852163,
                Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
        assertThat(cp.text().getBytes(StandardCharsets.UTF_8)).isEqualTo(SOFA.getBytes(StandardCharsets.UTF_8));
        SignedNote note = SignedNote.parse(SOFA_NOTE);
        assertThat(Checkpoint.parse(note.text())).isEqualTo(cp);
        assertThat(note.format()).isEqualTo(SOFA_NOTE);
        assertThat(note.signatures()).singleElement().satisfies(s -> assertThat(s.keyName())
                .isEqualTo("example.com/behind-the-sofa"));
    }

    @Test
    void theSignedNoteSpecsExampleKeyVerifiesItsExampleNote() {
        NoteVerifierKey key = NoteVerifierKey.parse(FOO_VKEY);
        assertThat(NoteVerifierKey.hex(key.keyId())).isEqualTo("530d903a");
        assertThat(key.toString()).isEqualTo(FOO_VKEY);
        assertThat(SignedNote.parse(FOO_NOTE).verifiedBy(key)).isTrue();
        assertThat(SignedNote.parse(FOO_NOTE.replace("example message", "example massage")).verifiedBy(key))
                .isFalse();
    }

    @Test
    void signingTheGoReferenceTextWithItsKeyGivesItsNoteByteForByte() {
        byte[] seed = Base64.getDecoder().decode(GO_SEED);
        assertThat(seed[0]).isEqualTo((byte) 1);
        byte[] raw = java.util.Arrays.copyOfRange(seed, 1, 33);
        KeyPair pair = new KeyPair(NoteVerifierKey.parse(GO_VKEY).javaKey(), Ed25519Keys.privateKey(raw));
        NoteSigner signer = NoteSigner.of("PeterNeumann", pair);

        assertThat(signer.verifierKey().toString()).isEqualTo(GO_VKEY);
        assertThat(SignedNote.sign(GO_TEXT, signer).format().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(GO_NOTE.getBytes(StandardCharsets.UTF_8));
        assertThat(SignedNote.parse(GO_NOTE).verifiedBy(signer.verifierKey())).isTrue();
    }

    @Test
    void aVerifierKeyWithAnotherIdAndAHashInANonCanonicalSpellingAreRefused() {
        assertThatThrownBy(() -> NoteVerifierKey.parse(FOO_VKEY.replace("530d903a", "530d903b")))
                .hasMessageContaining("is not the ID");
        assertThatThrownBy(() -> NoteVerifierKey.parse(FOO_VKEY.replace("530d903a", "530D903A")))
                .isInstanceOf(IllegalArgumentException.class);
        // A hash's last base64 character carries two unused bits: "2I=" and "2J=" decode alike; one spelling only.
        assertThat(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J="))
                .isEqualTo(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
        assertThatThrownBy(() -> Checkpoint.parse(SOFA.replace("q2I=", "q2J="))).hasMessageContaining("canonical");
    }

    @Test
    void aCosignatureSignsTheSpecsMessageAndCarriesItsTimestamp() throws Exception {
        assertThat(new String(Cosignature.message(SOFA, 1679315147), StandardCharsets.UTF_8)).isEqualTo(
                "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
                        + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        Cosignature witness = Cosignature.signer("witness.example.com/w1",
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        SignedNote cosigned = SignedNote.parse(SOFA_NOTE).with(List.of(witness.cosign(SOFA, 1679315147)));
        NoteVerifierKey key = witness.verifierKey();

        assertThat(key.type()).isEqualTo(NoteVerifierKey.TYPE_COSIGNATURE);
        assertThat(key.keyId()).isEqualTo(NoteVerifierKey.keyId(key.name(), 0x04, key.publicKey()));
        assertThat(Cosignature.verify(SignedNote.parse(cosigned.format()), key)).hasValue(1679315147);
        // timestamp (8 bytes) || Ed25519 (64): the line's base64 is 4 + 72 bytes.
        assertThat(cosigned.signatures().get(1).bytes()).hasSize(72);
        String otherText = SOFA.replace("20852163", "20852164");
        assertThat(Cosignature.verify(new SignedNote(otherText, cosigned.signatures()), key)).isEmpty();
    }

    @Test
    void consistencyProofsMatchCertificateTransparencyVectorsAndVerify() {
        List<byte[]> leaves = new ArrayList<>();
        for (String l : CT_LEAVES) {
            leaves.add(MerkleTree.leafHash(HEX.parseHex(l)));
        }
        assertThat(hex(MerkleTree.consistencyProof(1, leaves))).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(MerkleTree.consistencyProof(6, leaves))).containsExactly(
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        assertThat(hex(MerkleTree.consistencyProof(2, leaves.subList(0, 5)))).containsExactly(
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
        assertThat(MerkleTree.consistencyProof(1, leaves.subList(0, 1))).isEmpty();
    }

    @Test
    void everyConsistencyProofUpTo40LeavesVerifiesAndNoneVerifiesAChangedRoot() {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            leaves.add(MerkleTree.leafHash(new byte[] {(byte) i}));
        }
        for (int n = 1; n <= leaves.size(); n++) {
            byte[] second = MerkleTree.root(leaves.subList(0, n));
            for (int m = 0; m <= n; m++) {
                byte[] first = MerkleTree.root(leaves.subList(0, m));
                List<byte[]> proof = MerkleTree.consistencyProof(m, leaves.subList(0, n));
                assertThat(MerkleTree.verifyConsistency(m, n, first, second, proof)).as("%d -> %d", m, n).isTrue();
                if (m > 0 && m < n) {
                    byte[] changed = first.clone();
                    changed[0] ^= 1;
                    assertThat(MerkleTree.verifyConsistency(m, n, changed, second, proof)).isFalse();
                    assertThat(MerkleTree.verifyConsistency(m, n, second, first, proof)).isFalse();
                }
            }
        }
    }

    @Test
    void tilePathsAreSpelledAsTheSpecSaysAndParsedBackOnlyInThatSpelling() {
        assertThat(new TilePath(0, 1234067, 256).path()).isEqualTo("tile/0/x001/x234/067");
        assertThat(new TilePath(TilePath.ENTRIES, 5, 112).path()).isEqualTo("tile/entries/005.p/112");
        assertThat(TilePath.parse(List.of("1", "x001", "x234", "067.p", "17"))).isEqualTo(new TilePath(1, 1234067, 17));
        assertThat(TilePath.parse(List.of("entries", "273"))).isEqualTo(new TilePath(TilePath.ENTRIES, 273, 256));
        for (List<String> bad : List.of(List.of("0", "1"), List.of("0", "x000", "005"), List.of("0", "005.p", "0"),
                List.of("0", "005.p", "256"), List.of("64", "000"), List.of("01", "000"))) {
            assertThatThrownBy(() -> TilePath.parse(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aTlogProofIsFormattedAsTheSpecSaysAndParsedBack() {
        SignedNote cp = SignedNote.parse(SOFA_NOTE);
        TlogProof p = new TlogProof(new byte[] {1, 2, 3}, 73894, List.of(new byte[32], new byte[32]), cp);
        String text = p.format();
        assertThat(text).startsWith("c2sp.org/tlog-proof@v1\nextra AQID\nindex 73894\n"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n")
                .endsWith(SOFA_NOTE);
        TlogProof back = TlogProof.parse(text);
        assertThat(back.index()).isEqualTo(73894);
        assertThat(back.extra()).containsExactly(1, 2, 3);
        assertThat(back.checkpoint().format()).isEqualTo(SOFA_NOTE);
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }
}
