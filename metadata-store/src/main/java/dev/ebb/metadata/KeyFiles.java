package dev.ebb.metadata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Key material on disk: one 32-byte secret per day ({@code keys/<day>.key}), destroyed with its day, and the Ed25519
 * signing key pair. New files are written whole and durably ({@link DurableFiles}), so a crash never leaves a
 * half-written key that records were sealed under. Key files are created 0600 in a 0700 directory
 * ({@link OwnerOnlyFiles}), and a store whose key files others can read does not open.
 */
final class KeyFiles {
    /** Default file name of the signing key, in the keys directory. */
    static final String SIGNING_KEY = "signing.key";
    private static final int SECRET_LENGTH = 32;
    private final Path dir;
    private final SecureRandom random = new SecureRandom();

    KeyFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Refuses to go on if any secret in the keys directory can be read by another account.
     *
     * @throws UnprotectedKeyFileException naming the file and the chmod that fixes it
     */
    void requireOwnerOnly() {
        try (DirectoryStream<Path> secrets = Files.newDirectoryStream(dir, "*.key")) {
            for (Path secret : secrets) {
                OwnerOnlyFiles.requireOwnerOnly(secret);
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot check the key files in " + dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    Path dayKeyFile(LocalDate day) {
        return dir.resolve(day + ".key");
    }

    Optional<byte[]> daySecret(LocalDate day) {
        Path f = dayKeyFile(day);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            byte[] b = Files.readAllBytes(f);
            if (b.length != SECRET_LENGTH) {
                throw new MetadataStoreException("day key " + f + " has " + b.length + " bytes, expected "
                        + SECRET_LENGTH);
            }
            return Optional.of(b);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read day key " + f, e);
        }
    }

    byte[] daySecretOrCreate(LocalDate day) {
        return daySecret(day).orElseGet(() -> {
            byte[] secret = new byte[SECRET_LENGTH];
            random.nextBytes(secret);
            writeDurably(dayKeyFile(day), secret);
            return secret;
        });
    }

    /**
     * Overwrites the day's secret with zeros and deletes the file, both durably (crypto-shredding: the sealed numbers
     * of that day become unrecoverable).
     */
    void destroyDaySecret(LocalDate day) {
        Path f = dayKeyFile(day);
        try {
            DurableFiles.shredAndDelete(f);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot destroy day key " + f, e);
        }
    }

    /** Loads the Ed25519 key pair, generating it (and its {@code .pub}) if the private key file is absent. */
    KeyPair signingKey(Path privateFile) {
        Path publicFile = privateFile.resolveSibling(privateFile.getFileName() + ".pub");
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            if (Files.exists(privateFile)) {
                OwnerOnlyFiles.requireOwnerOnly(privateFile);
                if (!Files.exists(publicFile)) {
                    throw new MetadataStoreException("signing key " + privateFile + " has no public key " + publicFile);
                }
                return new KeyPair(kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
                        kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile))));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            OwnerOnlyFiles.createDirectories(privateFile.toAbsolutePath().getParent());
            writeDurably(publicFile, pair.getPublic().getEncoded());
            writeDurably(privateFile, pair.getPrivate().getEncoded());
            return pair;
        } catch (IOException | GeneralSecurityException e) {
            throw new MetadataStoreException("cannot load or create the Ed25519 signing key " + privateFile, e);
        }
    }

    /** Writes a key or marker file whole and durably, 0600 (see {@link DurableFiles#replace}). */
    static void writeDurably(Path target, byte[] content) {
        try {
            DurableFiles.replaceOwnerOnly(target, content);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write " + target, e);
        }
    }
}
