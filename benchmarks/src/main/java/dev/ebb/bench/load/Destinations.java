package dev.ebb.bench.load;

/** The handsets a run sends to: a spread of Norwegian mobile numbers, so the gateway's per-number work is real. */
final class Destinations {
    private Destinations() {
    }

    /** {@code 4790} and seven digits of {@code n}, without a '+': 4790000042 for 42. */
    static String digits(long n) {
        char[] d = {'4', '7', '9', '0', '0', '0', '0', '0', '0', '0', '0'};
        long v = Math.floorMod(n, 10_000_000L);
        for (int i = d.length - 1; i >= 4 && v > 0; i--, v /= 10) {
            d[i] = (char) ('0' + v % 10);
        }
        return new String(d);
    }
}
