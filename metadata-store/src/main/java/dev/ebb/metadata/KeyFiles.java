package dev.ebb.metadata;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key material on disk: one 32-byte secret per day ({@code keys/<day>.key}), destroyed with its day, and the Ed25519
 * signing key pair. New files are written whole and durably ({@link DurableFiles}), so a crash never leaves a
 * half-written key that records were sealed under. Key files are created 0600 in a 0700 directory
 * ({@link OwnerOnlyFiles}), and a store whose key files others can read does not open.
 *
 * <p>With a key-encryption key ({@link KeyWrapper}) every secret is stored wrapped ({@link WrappedKeys}), bound to
 * what it is (the day, or the signing key), and keys found in clear are wrapped when the store opens. Day secrets are
 * kept in memory once read (a query over a year would otherwise unwrap 365 of them, each a round trip to a token),
 * and dropped from it when destroyed.
 */
final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    /** Default file name of the signing key, in the keys directory. */
    static final String SIGNING_KEY = "signing.key";
    private static final String KEY_SUFFIX = ".key";
    private static final int SECRET_LENGTH = 32;
    private static final String SIGNING_PURPOSE = "ebb metadata signing key";
    private final Path dir;
    private final KeyWrapper kek;
    private final String keyStore;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<LocalDate, byte[]> daySecrets = new ConcurrentHashMap<>();
    /** Idle readers' {@link DayCrypto}s per day; changed only inside {@code daySecrets}' compute for that day. */
    private final ConcurrentHashMap<LocalDate, ConcurrentLinkedQueue<DayCrypto>> readers = new ConcurrentHashMap<>();

    /** @param kek the key-encryption key, or null to keep the keys in clear */
    KeyFiles(Path dir, KeyWrapper kek) {
        this.dir = dir;
        this.kek = kek;
        this.keyStore = "metadata key store " + dir.toAbsolutePath();
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
        return dir.resolve(day + KEY_SUFFIX);
    }

    /**
     * Wraps every day key still in clear under the KEK (the first open with one), each file replaced whole and its
     * clear bytes overwritten ({@link DurableFiles#replaceShredding}): a crash leaves each key either way, never
     * neither, and the next open wraps the rest. Nothing to do without a KEK.
     */
    void wrapDayKeysInClear() {
        if (kek == null) {
            return;
        }
        int wrapped = 0;
        try (DirectoryStream<Path> secrets = Files.newDirectoryStream(dir, "*" + KEY_SUFFIX)) {
            for (Path file : secrets) {
                Optional<LocalDate> day = dayOf(file);
                byte[] stored = Files.readAllBytes(file);
                if (day.isPresent() && !WrappedKeys.isWrapped(stored)) {
                    requireSecretLength(file, stored);
                    DurableFiles.replaceShredding(file, WrappedKeys.wrap(kek, stored, dayPurpose(day.get())));
                    Arrays.fill(stored, (byte) 0);
                    wrapped++;
                }
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot wrap the day keys in " + dir, e);
        }
        if (wrapped > 0) {
            LOG.warn("{}: wrapped {} day key(s) kept in clear until now under the key-encryption key {}", keyStore,
                    wrapped, kek.describe());
        }
    }

    Optional<byte[]> daySecret(LocalDate day) {
        return Optional.ofNullable(daySecrets.computeIfAbsent(day, this::readDaySecret)).map(byte[]::clone);
    }

    /**
     * A {@link DayCrypto} for reading the day, from a pool: deriving one costs two HMACs and two AES key schedules,
     * which a query over a year paid 365 times. Hand it back with {@link #releaseReader}; one thread at a time.
     *
     * @return empty if the day has no key
     */
    Optional<DayCrypto> borrowReader(LocalDate day) {
        ConcurrentLinkedQueue<DayCrypto> idle = readers.get(day);
        DayCrypto crypto = idle == null ? null : idle.poll();
        if (crypto != null) {
            return Optional.of(crypto);
        }
        return daySecret(day).map(secret -> {
            DayCrypto made = new DayCrypto(secret, DayCrypto.READER_CACHE);
            Arrays.fill(secret, (byte) 0);
            return made;
        });
    }

    /** Takes back a reader's {@link DayCrypto}, unless the day's key was destroyed meanwhile (then it is dropped). */
    void releaseReader(LocalDate day, DayCrypto crypto) {
        daySecrets.computeIfPresent(day, (d, secret) -> {
            readers.computeIfAbsent(d, k -> new ConcurrentLinkedQueue<>()).add(crypto);
            return secret;
        });
    }

    byte[] daySecretOrCreate(LocalDate day) {
        return daySecrets.computeIfAbsent(day, d -> {
            byte[] existing = readDaySecret(d);
            if (existing != null) {
                return existing;
            }
            byte[] secret = new byte[SECRET_LENGTH];
            random.nextBytes(secret);
            writeDurably(dayKeyFile(d), kek == null ? secret : WrappedKeys.wrap(kek, secret, dayPurpose(d)));
            return secret;
        }).clone();
    }

    /**
     * Overwrites the day's key file (wrapped or not) with zeros and deletes it, both durably, and forgets the secret
     * (crypto-shredding: the sealed numbers of that day become unrecoverable, with or without the KEK).
     */
    void destroyDaySecret(LocalDate day) {
        Path f = dayKeyFile(day);
        daySecrets.compute(day, (d, secret) -> {
            try {
                DurableFiles.shredAndDelete(f);
            } catch (IOException e) {
                throw new MetadataStoreException("cannot destroy day key " + f, e);
            }
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
            // The pooled readers hold keys derived from the secret: they go with it.
            readers.remove(d);
            return null;
        });
    }

    /** See {@link MetadataStore#wrappedDayKey}. */
    Optional<byte[]> wrappedDayKey(LocalDate day, KeyWrapper transit) {
        return daySecret(day).map(secret -> {
            byte[] wrapped = WrappedKeys.wrap(transit, secret, dayPurpose(day));
            Arrays.fill(secret, (byte) 0);
            return wrapped;
        });
    }

    /** The day's secret from its file, unwrapped; null if there is none. */
    private byte[] readDaySecret(LocalDate day) {
        Path f = dayKeyFile(day);
        byte[] stored;
        try {
            stored = Files.readAllBytes(f);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read day key " + f, e);
        }
        byte[] secret = WrappedKeys.isWrapped(stored) ? WrappedKeys.unwrap(kek, stored, dayPurpose(day), keyStore, f)
                : stored;
        requireSecretLength(f, secret);
        return secret;
    }

    private static void requireSecretLength(Path f, byte[] secret) {
        if (secret.length != SECRET_LENGTH) {
            throw new MetadataStoreException("day key " + f + " has " + secret.length + " bytes, expected "
                    + SECRET_LENGTH);
        }
    }

    private static Optional<LocalDate> dayOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return Optional.of(LocalDate.parse(name.substring(0, name.length() - KEY_SUFFIX.length())));
        } catch (DateTimeParseException notADay) {
            return Optional.empty();
        }
    }

    static String dayPurpose(LocalDate day) {
        return "ebb metadata day key " + day;
    }

    /**
     * Loads the Ed25519 key pair, generating it (and its {@code .pub}, never wrapped: it is public) if the private key
     * file is absent. With a KEK, a private key found in clear is wrapped now.
     */
    KeyPair signingKey(Path privateFile) {
        Path publicFile = privateFile.resolveSibling(privateFile.getFileName() + ".pub");
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            if (Files.exists(privateFile)) {
                OwnerOnlyFiles.requireOwnerOnly(privateFile);
                if (!Files.exists(publicFile)) {
                    throw new MetadataStoreException("signing key " + privateFile + " has no public key " + publicFile);
                }
                byte[] stored = Files.readAllBytes(privateFile);
                boolean inClear = !WrappedKeys.isWrapped(stored);
                byte[] pkcs8 = inClear ? stored
                        : WrappedKeys.unwrap(kek, stored, SIGNING_PURPOSE, keyStore, privateFile);
                if (inClear && kek != null) {
                    DurableFiles.replaceShredding(privateFile, WrappedKeys.wrap(kek, pkcs8, SIGNING_PURPOSE));
                    LOG.warn("{}: wrapped the signing key {}, kept in clear until now, under the key-encryption key {}",
                            keyStore, privateFile, kek.describe());
                }
                return new KeyPair(kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
                        kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            OwnerOnlyFiles.createDirectories(privateFile.toAbsolutePath().getParent());
            writeDurably(publicFile, pair.getPublic().getEncoded());
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            writeDurably(privateFile, kek == null ? pkcs8 : WrappedKeys.wrap(kek, pkcs8, SIGNING_PURPOSE));
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
