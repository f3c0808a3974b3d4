package dev.ebb.gateway.cluster;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what one node hands another through Kafka (a receipt with its numbers, an MO with its text), so that a topic
 * never holds them in clear. Each node has an X25519 key pair made at start and kept only in memory; its public half
 * is announced with the node's presence. Two nodes agree on an AES-256-GCM key by X25519 (RFC 7748) and HKDF-SHA256
 * (RFC 5869), so only the receiving node can open a record and only the sending node can have made it; the
 * associated data binds each record to its kind, sender, receiver and id.
 *
 * <p>Nothing sealed is ever needed after a restart: a relayed receipt stays owed in its owner's outbox until the
 * customer took it, and an MO at its SMSC until the customer answered. So the private key never touches disk, and a
 * copy of the Kafka log, backups included, can be read by no one once the node that could open it has stopped.
 */
final class NodeKeys {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] INFO = "ebb cluster relay v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final KeyPair pair;
    private final byte[] publicKey;
    private final SecureRandom random = new SecureRandom();
    private final Map<ByteBuffer, SecretKey> agreed = new ConcurrentHashMap<>();

    NodeKeys() {
        try {
            this.pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JVM", e);
        }
        this.publicKey = pair.getPublic().getEncoded();
    }

    /** This node's public key, X.509-encoded. */
    byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@code plain} sealed for the node whose public key is {@code peer}: nonce, then ciphertext and tag. */
    byte[] seal(byte[] peer, byte[] aad, byte[] plain) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(peer), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing for another node failed", e);
        }
    }

    /**
     * Opens what the node with public key {@code peer} sealed for this one.
     *
     * @throws GeneralSecurityException when it was not sealed for this node's key (made for an earlier run) or
     *                                  was altered
     */
    byte[] open(byte[] peer, byte[] aad, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < NONCE) {
            throw new GeneralSecurityException("sealed record too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key(peer), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
    }

    private SecretKey key(byte[] peer) throws GeneralSecurityException {
        ByteBuffer id = ByteBuffer.wrap(peer.clone());
        SecretKey key = agreed.get(id);
        if (key == null) {
            PublicKey theirs = KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(peer));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(pair.getPrivate());
            agreement.doPhase(theirs, true);
            byte[] shared = agreement.generateSecret();
            key = new SecretKeySpec(hkdf(shared), "AES");
            Arrays.fill(shared, (byte) 0);
            agreed.put(id, key);
        }
        return key;
    }

    /** RFC 5869 with an all-zero salt, one block of output: 32 bytes. */
    private static byte[] hkdf(byte[] shared) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(shared);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(INFO);
        mac.update((byte) 1);
        return mac.doFinal();
    }
}
