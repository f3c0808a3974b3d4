package dev.ebb.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * A C2SP tlog-tiles resource name: {@code tile/<L>/<N>[.p/<W>]} (a tile of Merkle tree hashes at level L) or
 * {@code tile/entries/<N>[.p/<W>]} (an entry bundle), {@code N} in zero-padded 3-digit elements, all but the last
 * prefixed {@code x} (index 1234067 is {@code x001/x234/067}).
 *
 * @param level the tile's level 0..63, or {@link #ENTRIES} for an entry bundle
 * @param index the tile's index within its level
 * @param width hashes (or entries) in it: {@link #FULL} for a full tile, 1..255 for a partial one
 */
public record TilePath(int level, long index, int width) {
    /** The level of entry bundles. */
    public static final int ENTRIES = -1;
    /** The width of a full tile (tlog-tiles: 256 hashes, tile height 8). */
    public static final int FULL = 256;
    /** The tile height: each level up spans 256 times as many leaves. */
    public static final int HEIGHT = 8;

    /** Checks the ranges. */
    public TilePath {
        if (level < ENTRIES || level > 63) {
            throw new IllegalArgumentException("a tile level is 0..63, was " + level);
        }
        if (index < 0) {
            throw new IllegalArgumentException("a tile index is not negative, was " + index);
        }
        if (width < 1 || width > FULL) {
            throw new IllegalArgumentException("a tile holds 1..256 hashes, was " + width);
        }
    }

    /** True for an entry bundle. */
    public boolean entries() {
        return level == ENTRIES;
    }

    /**
     * The first leaf this tile spans.
     *
     * @throws IllegalArgumentException if it is past any tree a long can count
     */
    public long startLeaf() {
        return leaves(leaves(index, FULL), leavesPerHash());
    }

    /**
     * The leaf after the last one this tile spans: a tree holds the tile only if its size is at least this.
     *
     * @throws IllegalArgumentException if it is past any tree a long can count (a high level or a large index, whose
     *                                  range would otherwise wrap around to a small number)
     */
    public long endLeaf() {
        try {
            return Math.addExact(startLeaf(), leaves(width, leavesPerHash()));
        } catch (ArithmeticException e) {
            throw tooFar();
        }
    }

    private long leaves(long hashes, long perHash) {
        try {
            return Math.multiplyExact(hashes, perHash);
        } catch (ArithmeticException e) {
            throw tooFar();
        }
    }

    private IllegalArgumentException tooFar() {
        return new IllegalArgumentException("tile " + path() + " spans leaves past 2^63");
    }

    /** Leaves under each of its hashes: {@code 256^level} (1 for an entry bundle and a level-0 tile). */
    public long leavesPerHash() {
        int l = Math.max(level, 0);
        if ((long) l * HEIGHT >= 63) {
            throw new IllegalArgumentException("level " + l + " spans more leaves than a tree can hold");
        }
        return 1L << (l * HEIGHT);
    }

    /** The resource name under a log's prefix, without a leading slash. */
    public String path() {
        StringBuilder b = new StringBuilder("tile/").append(entries() ? "entries" : Integer.toString(level));
        String n = Long.toString(index);
        int pad = (3 - n.length() % 3) % 3;
        n = "0".repeat(pad) + n;
        for (int i = 0; i < n.length(); i += 3) {
            b.append('/');
            if (i + 3 < n.length()) {
                b.append('x');
            }
            b.append(n, i, i + 3);
        }
        if (width < FULL) {
            b.append(".p/").append(width);
        }
        return b.toString();
    }

    /**
     * Parses the segments after {@code tile/}: the level (or {@code entries}) and the index elements.
     *
     * @throws IllegalArgumentException if they are not the one spelling of a tile name
     */
    public static TilePath parse(List<String> segments) {
        if (segments.size() < 2) {
            throw new IllegalArgumentException("a tile name is tile/<L>/<N>[.p/<W>]");
        }
        String l = segments.get(0);
        int level;
        if (l.equals("entries")) {
            level = ENTRIES;
        } else if (l.matches("0|[1-9][0-9]?")) {
            level = Integer.parseInt(l);
        } else {
            throw new IllegalArgumentException("tile level '" + l + "' is not 0..63 nor 'entries'");
        }
        List<String> n = new ArrayList<>(segments.subList(1, segments.size()));
        int width = FULL;
        String last = n.get(n.size() - 1);
        if (n.size() >= 2 && n.get(n.size() - 2).endsWith(".p")) {
            if (!last.matches("[1-9][0-9]{0,2}") || Integer.parseInt(last) > 255) {
                throw new IllegalArgumentException("partial tile width '" + last + "' is not 1..255");
            }
            width = Integer.parseInt(last);
            n.remove(n.size() - 1);
            String p = n.remove(n.size() - 1);
            n.add(p.substring(0, p.length() - 2));
        }
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < n.size(); i++) {
            String e = n.get(i);
            boolean lastElement = i == n.size() - 1;
            if (!(lastElement ? e.matches("[0-9]{3}") : e.matches("x[0-9]{3}"))) {
                throw new IllegalArgumentException("tile index element '" + e + "' is not "
                        + (lastElement ? "three digits" : "x and three digits"));
            }
            digits.append(lastElement ? e : e.substring(1));
        }
        if (n.size() > 1 && n.get(0).equals("x000") || digits.length() > 18) {
            throw new IllegalArgumentException("tile index is not in its shortest spelling, or too large");
        }
        return new TilePath(level, Long.parseLong(digits.toString()), width);
    }
}
