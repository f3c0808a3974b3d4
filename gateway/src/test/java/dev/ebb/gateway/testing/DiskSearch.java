package dev.ebb.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** A raw byte search of every file under a directory, as someone holding a copy of it would run one. */
public final class DiskSearch {
    private DiskSearch() {
    }

    /** Every regular file under {@code root} whose raw bytes contain {@code needle}. */
    public static List<Path> filesContaining(Path root, byte[] needle) {
        List<Path> hits = new ArrayList<>();
        for (Path file : files(root)) {
            if (indexOf(read(file), needle) >= 0) {
                hits.add(file);
            }
        }
        return hits;
    }

    /** Every regular file under {@code root}, sorted. */
    public static List<Path> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
