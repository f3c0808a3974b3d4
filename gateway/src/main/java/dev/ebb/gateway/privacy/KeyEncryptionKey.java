package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.ConfigException;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.KeysConfig;
import dev.ebb.gateway.config.Pkcs11Config;
import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.KeyUnwrapException;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-encryption key (KEK) that Ebb's key stores are wrapped under, from outside the data directory: an AES key in
 * a PKCS#11 token, or one derived from a passphrase file given at start. A copied data directory then holds only
 * wrapped keys, which open nothing without the KEK.
 *
 * <p>Wrapping is envelope encryption, {@code nonce(12) | AES-256-GCM(key) | tag(16)} with the key's purpose as
 * associated data (NIST SP 800-38D; a random 96-bit nonce per wrap, far below the 2^32 limit for one key, since keys
 * are wrapped once each). Not AES-KW: SunPKCS11 on Java 17 does not wrap with a token's AES key
 * ({@code Cipher.WRAP_MODE} and AES/KW fail there), while AES/GCM runs inside the token, so the token key never leaves
 * it.
 *
 * <p>A passphrase becomes a key by PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) with {@value #ITERATIONS} iterations (OWASP's
 * figure for it) and a random 16-byte salt kept in the data directory ({@link DataDirectory#kekSalt()}): a guess
 * against a stolen disk costs that much work each.
 *
 * <p>Thread-safe: each wrap and unwrap takes its own {@link Cipher}.
 */
public final class KeyEncryptionKey implements KeyWrapper {
    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKey.class);
    private static final String GCM = "AES/GCM/NoPadding";
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    static final int ITERATIONS = 600_000;
    private static final int SALT_LENGTH = 16;
    private static final String KDF = "PBKDF2WithHmacSHA256";
    private static final int MIN_PASSPHRASE = 16;
    private static final String PROBE = "ebb key-encryption key probe";

    private final SecretKey key;
    private final Provider provider;
    private final String description;
    private final SecureRandom random = new SecureRandom();

    private KeyEncryptionKey(SecretKey key, Provider provider, String description) {
        this.key = key;
        this.provider = provider;
        this.description = description;
    }

    /**
     * The KEK {@code keys} names, or empty when it names none: Ebb then keeps its keys in clear (and the gateway says
     * so at start, {@link #warnKeysInClear}), unless {@code keys.require} is set.
     *
     * @param env the process environment (the PKCS#11 PIN may come from it)
     * @throws ConfigException if {@code keys.require} is set and no KEK is given, the passphrase file is inside the
     *                         data directory or too short, or the token or its key cannot be used
     * @throws dev.ebb.metadata.UnprotectedKeyFileException if the passphrase or PIN file is readable by others
     */
    public static Optional<KeyEncryptionKey> open(KeysConfig keys, DataDirectory data, Map<String, String> env) {
        if (!keys.configured()) {
            if (keys.require()) {
                throw new ConfigException("keys.require", "is true, but no key-encryption key is configured: set "
                        + KeysConfig.KEK_FILE_ENV + " to a passphrase file outside the data directory, or keys.pkcs11");
            }
            return Optional.empty();
        }
        KeyEncryptionKey kek = keys.file() != null ? fromPassphraseFile(keys.file(), data)
                : fromToken(keys.pkcs11(), env);
        LOG.info("keys in {} are wrapped under the key-encryption key {}", data.root().toAbsolutePath(),
                kek.describe());
        return Optional.of(kek);
    }

    /** The warning of a gateway started without a KEK: what a copy of its data directory gives away. */
    public static void warnKeysInClear(DataDirectory data) {
        LOG.warn("NO KEY-ENCRYPTION KEY: the content, metadata and signing keys in {} are stored in clear, so a copy of"
                + " that directory reveals message content and numbers. Fine for a demo; in production set {} (a "
                + "passphrase file outside it) or keys.pkcs11, and keys.require: true", data.root().toAbsolutePath(),
                KeysConfig.KEK_FILE_ENV);
    }

    /**
     * The key under which the nodes of a cluster wrap the day keys they send each other through Kafka (issue 17): the
     * same on every node that has the same {@code keys} source. From a passphrase file it is derived like the KEK but
     * with a salt of the cluster ({@code cluster}: its topic prefix) instead of the data directory's, so it differs
     * from each node's own KEK; from a PKCS#11 token it is the token's key (the same key in each node's token).
     *
     * @throws ConfigException if {@code keys} names no KEK (cluster mode needs one), or as {@link #open}
     */
    public static KeyEncryptionKey forCluster(KeysConfig keys, DataDirectory data, Map<String, String> env,
                                              String cluster) {
        if (!keys.configured()) {
            throw new ConfigException("keys", "cluster mode needs a key-encryption key (keys.file, "
                    + KeysConfig.KEK_FILE_ENV + " or keys.pkcs11), the same on every node: day keys go to Kafka only "
                    + "wrapped under a key derived from it");
        }
        if (keys.file() == null) {
            return fromToken(keys.pkcs11(), env);
        }
        try {
            byte[] salt = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(("ebb cluster transit key "
                    + cluster).getBytes(StandardCharsets.UTF_8)), SALT_LENGTH);
            return fromPassphraseFile(keys.file(), data, () -> salt, "cluster transit key from file ");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }

    /** A KEK derived from the passphrase in {@code file}, with the salt of {@code data} (made on first use). */
    static KeyEncryptionKey fromPassphraseFile(Path file, DataDirectory data) {
        return fromPassphraseFile(file, data, () -> salt(data.kekSalt()), "from file ");
    }

    /** Where a passphrase's salt comes from. */
    private interface Salt {
        byte[] get() throws IOException;
    }

    private static KeyEncryptionKey fromPassphraseFile(Path file, DataDirectory data, Salt salts, String described) {
        String name = "keys.file (" + KeysConfig.KEK_FILE_ENV + ")";
        char[] passphrase = null;
        try {
            Path real = file.toRealPath();
            Path root = data.root().toAbsolutePath().normalize();
            Path dataReal = Files.exists(root) ? root.toRealPath() : root;
            if (real.startsWith(dataReal)) {
                throw new ConfigException(name, file + " is inside the data directory " + root + ": a copy of the "
                        + "directory would carry the key that opens it; keep it elsewhere (e.g. /etc/ebb)");
            }
            OwnerOnlyFiles.requireOwnerOnly(real);
            passphrase = passphrase(real, name);
            if (passphrase.length < MIN_PASSPHRASE) {
                throw new ConfigException(name, file + " holds " + passphrase.length + " characters, at least "
                        + MIN_PASSPHRASE + " are needed (e.g. the output of `openssl rand -base64 32`)");
            }
            byte[] salt = salts.get();
            byte[] derived = SecretKeyFactory.getInstance(KDF).generateSecret(
                    new PBEKeySpec(passphrase, salt, ITERATIONS, 256)).getEncoded();
            KeyEncryptionKey kek = new KeyEncryptionKey(new SecretKeySpec(derived, "AES"), null, described + real);
            Arrays.fill(derived, (byte) 0);
            return kek;
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(name, file + " cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + KDF, e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** The AES key labelled {@code token.keyLabel()} in the PKCS#11 token, logged in with its PIN. */
    static KeyEncryptionKey fromToken(Pkcs11Config token, Map<String, String> env) {
        Provider sunPkcs11 = Security.getProvider("SunPKCS11");
        if (sunPkcs11 == null) {
            throw new ConfigException("keys.pkcs11", "this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        Provider provider;
        try {
            provider = sunPkcs11.configure(token.providerConfig());
        } catch (RuntimeException e) {
            throw new ConfigException("keys.pkcs11", "cannot use the token " + where(token) + ": " + rootMessage(e));
        }
        char[] pin = pin(token, env);
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            Key key = store.getKey(token.keyLabel(), null);
            if (!(key instanceof SecretKey secret) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new ConfigException("keys.pkcs11.keyLabel", "the token " + where(token) + " has no AES key "
                        + "labelled '" + token.keyLabel() + "' (it has " + Collections.list(store.aliases()) + ")");
            }
            KeyEncryptionKey kek = new KeyEncryptionKey(secret, provider, "in the PKCS#11 token " + where(token)
                    + ", key '" + token.keyLabel() + "'");
            kek.probe();
            return kek;
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            throw new ConfigException("keys.pkcs11", "cannot log in to the token " + where(token) + " or read its key '"
                    + token.keyLabel() + "': " + rootMessage(e));
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    @Override
    public byte[] wrap(byte[] secret, String purpose) {
        byte[] out = new byte[NONCE_LENGTH + secret.length + TAG_BITS / 8];
        random.nextBytes(out);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, out, purpose);
            cipher.doFinal(secret, 0, secret.length, out, NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IllegalStateException("cannot wrap a key under the key-encryption key " + description + ": "
                    + rootMessage(e), e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, String purpose) {
        if (wrapped.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw new KeyUnwrapException("a wrapped key of " + wrapped.length + " bytes is too short");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, wrapped, purpose);
            return cipher.doFinal(wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw new KeyUnwrapException("the wrapped key does not authenticate", e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IllegalStateException("cannot unwrap a key with the key-encryption key " + description + ": "
                    + rootMessage(e), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * 32 bytes for {@code purpose}, the same at every call and on every node holding this key, computed through the
     * key itself, so that it works as well with a token's key, which never leaves the token, as with a passphrase's
     * (issue 17: the cluster's record MAC key). It is AES-GCM under this key of 32 zero bytes, with a nonce and
     * associated data fixed by {@code purpose}: the ciphertext is AES of two counter blocks of that nonce, a PRF of
     * the purpose (SP 800-108's construction, AES as the PRF). GCM, not ECB or CMAC, because it is the one mechanism a
     * token must already allow for {@link #wrap}. A fixed nonce is safe here because it only ever encrypts the same
     * plaintext (the same output again, nothing new); {@link #wrap}'s nonces are random, and meet a purpose's with
     * chance 2<sup>-96</sup> each.
     */
    public byte[] derive(String purpose) {
        try {
            byte[] nonce = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(("ebb derived key " + purpose)
                    .getBytes(StandardCharsets.UTF_8)), NONCE_LENGTH);
            byte[] out = cipher(Cipher.ENCRYPT_MODE, nonce, purpose).doFinal(new byte[32]);
            return Arrays.copyOf(out, 32);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new IllegalStateException("cannot derive a key with the key-encryption key " + description + ": "
                    + rootMessage(e), e);
        }
    }

    private Cipher cipher(int mode, byte[] nonceAt0, String purpose) throws GeneralSecurityException {
        Cipher cipher = provider == null ? Cipher.getInstance(GCM) : Cipher.getInstance(GCM, provider);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonceAt0, 0, NONCE_LENGTH));
        cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** One wrap and unwrap at start, so a token key that cannot do AES-GCM is named now, not at the first new key. */
    private void probe() {
        byte[] probe = new byte[32];
        if (!Arrays.equals(unwrap(wrap(probe, PROBE), PROBE), probe)) {
            throw new IllegalStateException("the key-encryption key " + description + " does not give back what it wrapped");
        }
    }

    /**
     * The salt of the passphrase KDF, made and stored durably on first use: {@code pbkdf2-hmac-sha256 <iterations>
     * <base64 salt>}. The iteration count is read back, not assumed, so it may be raised later for new data
     * directories without stranding old ones.
     */
    private static byte[] salt(Path file) throws IOException {
        if (Files.exists(file)) {
            String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            try {
                if (fields.length != 3 || !fields[0].equals("pbkdf2-hmac-sha256")
                        || Integer.parseInt(fields[1]) != ITERATIONS) {
                    throw new KeyStoreCorruptedException(file, "not a KEK salt of this version");
                }
                byte[] salt = Base64.getDecoder().decode(fields[2]);
                if (salt.length != SALT_LENGTH) {
                    throw new KeyStoreCorruptedException(file, "a salt of " + salt.length + " bytes");
                }
                return salt;
            } catch (IllegalArgumentException e) {
                throw new KeyStoreCorruptedException(file, "not a KEK salt (" + e.getMessage() + ")");
            }
        }
        byte[] salt = new byte[SALT_LENGTH];
        new SecureRandom().nextBytes(salt);
        DurableFiles.createDirectoriesDurably(file.toAbsolutePath().getParent());
        DurableFiles.replaceOwnerOnly(file, ("pbkdf2-hmac-sha256 " + ITERATIONS + " "
                + Base64.getEncoder().encodeToString(salt) + "\n").getBytes(StandardCharsets.US_ASCII));
        return salt;
    }

    /** The file's text as UTF-8, without the line end an editor adds; the bytes read are zeroed. */
    private static char[] passphrase(Path file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                end--;
            }
            char[] out = new char[end];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new ConfigException(name, file + " is not UTF-8 text (a passphrase, e.g. `openssl rand -base64 32`)");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static char[] pin(Pkcs11Config token, Map<String, String> env) {
        if (token.pinFile() != null) {
            try {
                OwnerOnlyFiles.requireOwnerOnly(token.pinFile());
                return passphrase(token.pinFile(), "keys.pkcs11.pinFile");
            } catch (IOException e) {
                throw new ConfigException("keys.pkcs11.pinFile", token.pinFile() + " cannot be read: " + e.getMessage());
            }
        }
        String pin = env.get(Pkcs11Config.PIN_ENV);
        if (pin == null || pin.isEmpty()) {
            throw new ConfigException("keys.pkcs11", "no PIN: set keys.pkcs11.pinFile or " + Pkcs11Config.PIN_ENV);
        }
        return pin.toCharArray();
    }

    private static String where(Pkcs11Config token) {
        return token.library() + (token.slot() != null ? " slot " + token.slot()
                : token.slotListIndex() != null ? " slot list index " + token.slotListIndex() : "");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
