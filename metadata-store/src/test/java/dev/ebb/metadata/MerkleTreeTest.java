package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    private static final HexFormat HEX = HexFormat.of();
    // The leaf inputs and roots of Certificate Transparency's merkle tree tests (RFC 6962 hashing).
    private static final String[] CT_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] CT_ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    @Test
    void emptyTreeRootIsSha256OfTheEmptyString() {
        assertThat(HEX.formatHex(MerkleTree.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(new MerkleFrontier().root()).isEqualTo(MerkleTree.emptyRoot());
    }

    @Test
    void rootsMatchCertificateTransparencyTestVectors() {
        List<byte[]> leaves = new ArrayList<>();
        MerkleFrontier frontier = new MerkleFrontier();
        for (int i = 0; i < CT_LEAVES.length; i++) {
            byte[] leaf = MerkleTree.leafHash(HEX.parseHex(CT_LEAVES[i]));
            leaves.add(leaf);
            frontier.append(leaf);
            assertThat(HEX.formatHex(MerkleTree.root(leaves))).as("root of %d leaves", i + 1).isEqualTo(CT_ROOTS[i]);
            assertThat(HEX.formatHex(frontier.root())).as("incremental root of %d", i + 1).isEqualTo(CT_ROOTS[i]);
        }
    }

    @Test
    void incrementalRootEqualsRecursiveRootForSizesUpTo100() {
        List<byte[]> leaves = new ArrayList<>();
        MerkleFrontier frontier = new MerkleFrontier();
        byte[] out = new byte[32];
        for (int i = 0; i < 100; i++) {
            byte[] data = ("record " + i).getBytes();
            frontier.appendData(data, 0, data.length, out);
            leaves.add(MerkleTree.leafHash(data));
            assertThat(out).isEqualTo(leaves.get(i));
            assertThat(frontier.root()).isEqualTo(MerkleTree.root(leaves));
        }
    }

    @Test
    void inclusionProofsVerifyForEveryLeafOfTreesOfSize1To33() {
        for (int n = 1; n <= 33; n++) {
            List<byte[]> leaves = leaves(n);
            byte[] root = MerkleTree.root(leaves);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = MerkleTree.inclusionPath(m, leaves);
                assertThat(MerkleTree.verifyInclusion(leaves.get(m), m, n, path, root))
                        .as("leaf %d of %d", m, n).isTrue();
            }
        }
    }

    @Test
    void pathsFromHashedSubtreesEqualTheRecursivePathsForEveryLeafOfTreesOfSize1To70() {
        for (int n = 1; n <= 70; n++) {
            List<byte[]> leaves = leaves(n);
            MerkleTree.Paths paths = MerkleTree.paths(leaves);
            for (int m = 0; m < n; m++) {
                assertThat(paths.of(m)).as("leaf %d of %d", m, n)
                        .containsExactlyElementsOf(MerkleTree.inclusionPath(m, leaves));
            }
        }
    }

    @Test
    void inclusionProofFailsForAChangedLeafOrWrongIndex() {
        for (int n = 2; n <= 33; n++) {
            List<byte[]> leaves = leaves(n);
            byte[] root = MerkleTree.root(leaves);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = MerkleTree.inclusionPath(m, leaves);
                byte[] changed = leaves.get(m).clone();
                changed[0] ^= 1;
                assertThat(MerkleTree.verifyInclusion(changed, m, n, path, root)).isFalse();
                assertThat(MerkleTree.verifyInclusion(leaves.get(m), (m + 1) % n, n, path, root)).isFalse();
            }
        }
    }

    @Test
    void inclusionProofMatchesCertificateTransparencyVectorForLeaf0Of8() {
        List<byte[]> leaves = new ArrayList<>();
        for (String l : CT_LEAVES) {
            leaves.add(MerkleTree.leafHash(HEX.parseHex(l)));
        }
        List<String> path = MerkleTree.inclusionPath(0, leaves).stream().map(HEX::formatHex).toList();
        assertThat(path).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MerkleTree.leafHash(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        return out;
    }
}
