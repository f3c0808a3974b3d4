package dev.ebb.metadata;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Merkle tree hashing of RFC 6962 §2.1 (Certificate Transparency): {@code MTH({}) = SHA-256()},
 * {@code leaf = SHA-256(0x00 ‖ d)}, {@code node = SHA-256(0x01 ‖ left ‖ right)}, the left subtree being the
 * largest power of two smaller than n. Inclusion proofs follow §2.1.1, consistency proofs §2.1.2; their
 * verification follows RFC 9162 §2.1.3.2 and §2.1.4.2. All methods are thread-safe.
 */
public final class MerkleTree {
    /** Length of every hash in bytes. */
    public static final int HASH_LENGTH = 32;

    private MerkleTree() {
    }

    /** The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1). */
    public static byte[] emptyRoot() {
        return Sha256.digest().digest();
    }

    /** {@code SHA-256(0x00 ‖ data)}. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest d = Sha256.digest();
        d.update((byte) 0);
        d.update(data);
        return d.digest();
    }

    /** {@code SHA-256(0x01 ‖ left ‖ right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = Sha256.digest();
        d.update((byte) 1);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /** The root over the given leaf hashes (MTH of RFC 6962 §2.1). */
    public static byte[] root(List<byte[]> leafHashes) {
        return leafHashes.isEmpty() ? emptyRoot() : subtree(leafHashes, 0, leafHashes.size());
    }

    /** The audit path for leaf {@code index} in the tree over {@code leafHashes} (PATH of RFC 6962 §2.1.1). */
    public static List<byte[]> inclusionPath(int index, List<byte[]> leafHashes) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IllegalArgumentException("leaf index " + index + " outside tree of size " + leafHashes.size());
        }
        List<byte[]> path = new ArrayList<>();
        path(index, leafHashes, 0, leafHashes.size(), path);
        return path;
    }

    /**
     * Audit paths for many leaves of one tree: every aligned complete subtree is hashed once, after which each path
     * takes O(log² n) hash lookups and O(log n) hashes, instead of O(n) hashes as {@link #inclusionPath} does.
     */
    public static Paths paths(List<byte[]> leafHashes) {
        return new Paths(leafHashes);
    }

    /** The audit paths of one tree; see {@link #paths(List)}. Immutable, thread-safe. */
    public static final class Paths {
        /** {@code levels.get(j).get(i)}: the hash of leaves {@code [i·2^j, (i+1)·2^j)}. */
        private final List<List<byte[]>> levels = new ArrayList<>();
        private final int size;

        private Paths(List<byte[]> leafHashes) {
            this.size = leafHashes.size();
            List<byte[]> level = List.copyOf(leafHashes);
            levels.add(level);
            while (level.size() > 1) {
                List<byte[]> up = new ArrayList<>(level.size() / 2);
                for (int i = 0; i + 1 < level.size(); i += 2) {
                    up.add(nodeHash(level.get(i), level.get(i + 1)));
                }
                levels.add(up);
                level = up;
            }
        }

        /** The audit path for leaf {@code index} (PATH of RFC 6962 §2.1.1). */
        public List<byte[]> of(int index) {
            if (index < 0 || index >= size) {
                throw new IllegalArgumentException("leaf index " + index + " outside tree of size " + size);
            }
            List<byte[]> path = new ArrayList<>();
            walk(index, 0, size, path);
            return path;
        }

        private void walk(int m, int from, int to, List<byte[]> out) {
            int n = to - from;
            if (n == 1) {
                return;
            }
            int k = largestPowerOfTwoBelow(n);
            if (m < k) {
                walk(m, from, from + k, out);
                out.add(hash(from + k, to));
            } else {
                walk(m - k, from + k, to, out);
                out.add(hash(from, from + k));
            }
        }

        /**
         * MTH of leaves {@code [from, to)}. In RFC 6962's split every left part is a complete subtree aligned on its
         * size, so it is a stored level; only the right edge is hashed.
         */
        private byte[] hash(int from, int to) {
            int n = to - from;
            if (Integer.bitCount(n) == 1 && from % n == 0) {
                return levels.get(Integer.numberOfTrailingZeros(n)).get(from / n);
            }
            int k = largestPowerOfTwoBelow(n);
            return nodeHash(hash(from, from + k), hash(from + k, to));
        }
    }

    /**
     * Verifies an inclusion proof (RFC 9162 §2.1.3.2).
     *
     * @return true if {@code path} proves that {@code leafHash} is leaf {@code index} of the tree of size
     *     {@code treeSize} with root {@code root}
     */
    public static boolean verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> path,
                                          byte[] root) {
        if (index < 0 || index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * The consistency proof from the tree of the first {@code m} leaves to the tree of all of them (PROOF of RFC 6962
     * §2.1.2); empty when {@code m} is 0 or the whole tree.
     */
    public static List<byte[]> consistencyProof(int m, List<byte[]> leafHashes) {
        return consistencyProof(m, leafHashes.size(), (from, to) -> subtree(leafHashes, (int) from, (int) to));
    }

    /**
     * MTH of a range of leaves: what a proof is built from, by whatever means the leaves are at hand (a list, a day's
     * leaf log).
     */
    @FunctionalInterface
    interface RangeHashes {
        /** MTH of leaves {@code [from, to)}, {@code to > from}. */
        byte[] hash(long from, long to);
    }

    /** PROOF(m, D[n]) of RFC 6962 §2.1.2 over {@code hashes}. */
    static List<byte[]> consistencyProof(long m, long n, RangeHashes hashes) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to size " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        if (m > 0 && m < n) {
            subproof(m, 0, n, true, hashes, proof);
        }
        return proof;
    }

    /** SUBPROOF(m, D[from:to], b), appending to {@code out} in the RFC's order. */
    private static void subproof(long m, long from, long to, boolean complete, RangeHashes hashes, List<byte[]> out) {
        long n = to - from;
        if (m == n) {
            if (!complete) {
                out.add(hashes.hash(from, to));
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproof(m, from, from + k, complete, hashes, out);
            out.add(hashes.hash(from + k, to));
        } else {
            subproof(m - k, from + k, to, false, hashes, out);
            out.add(hashes.hash(from, from + k));
        }
    }

    /** PATH(m, D[n]) of RFC 6962 §2.1.1 over {@code hashes}. */
    static List<byte[]> inclusionPath(long m, long n, RangeHashes hashes) {
        if (m < 0 || m >= n) {
            throw new IllegalArgumentException("leaf index " + m + " outside tree of size " + n);
        }
        List<byte[]> path = new ArrayList<>();
        long from = 0;
        long to = n;
        List<byte[]> reversed = new ArrayList<>();
        while (to - from > 1) {
            long k = Long.highestOneBit(to - from - 1);
            if (m - from < k) {
                reversed.add(hashes.hash(from + k, to));
                to = from + k;
            } else {
                reversed.add(hashes.hash(from, from + k));
                from = from + k;
            }
        }
        for (int i = reversed.size() - 1; i >= 0; i--) {
            path.add(reversed.get(i));
        }
        return path;
    }

    /**
     * Verifies a consistency proof (RFC 9162 §2.1.4.2): that the tree of size {@code first} with root {@code firstRoot}
     * is a prefix of the tree of size {@code second} with root {@code secondRoot}. Equal sizes need an empty proof and
     * equal roots; from the empty tree, any tree follows with an empty proof.
     */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
                                            List<byte[]> proof) {
        if (first < 0 || second < first) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstRoot);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    private static byte[] subtree(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
    }

    private static void path(int m, List<byte[]> leaves, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, leaves, from, from + k, out);
            out.add(subtree(leaves, from + k, to));
        } else {
            path(m - k, leaves, from + k, to, out);
            out.add(subtree(leaves, from, from + k));
        }
    }

    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
