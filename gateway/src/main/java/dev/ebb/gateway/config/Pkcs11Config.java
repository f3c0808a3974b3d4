package dev.ebb.gateway.config;

import java.nio.file.Path;

/**
 * A key-encryption key held in a PKCS#11 token, used through the JDK's SunPKCS11 provider ({@code keys.pkcs11} in
 * {@code ebb.yaml}). The key is an AES secret key generated in the token (it never leaves it); Ebb encrypts its keys
 * with it by AES-GCM inside the token.
 *
 * @param library       the token's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
 * @param slot          the token's slot id ({@code softhsm2-util --show-slots}, {@code pkcs11-tool -L}); absent: the
 *                      first slot with a token, or {@code slotListIndex}
 * @param slotListIndex the token's index in the module's slot list, instead of {@code slot}
 * @param keyLabel      the label (alias) of the AES key in the token; absent means {@value #DEFAULT_KEY_LABEL}
 * @param pinFile       a file holding the user PIN (owner-only); absent: the environment variable
 *                      {@value #PIN_ENV}
 */
public record Pkcs11Config(Path library, Long slot, Integer slotListIndex, String keyLabel, Path pinFile) {
    public static final String DEFAULT_KEY_LABEL = "ebb-kek";
    /** The environment variable holding the user PIN when no {@code pinFile} is given. */
    public static final String PIN_ENV = "EBB_PKCS11_PIN";

    public Pkcs11Config {
        ConfigException.require(library != null, "keys.pkcs11.library", "is required (the token's PKCS#11 module)");
        ConfigException.require(slot == null || slotListIndex == null, "keys.pkcs11",
                "give slot or slotListIndex, not both");
        ConfigException.require(slot == null || slot >= 0, "keys.pkcs11.slot", "must be 0 or more, was " + slot);
        ConfigException.require(slotListIndex == null || slotListIndex >= 0, "keys.pkcs11.slotListIndex",
                "must be 0 or more, was " + slotListIndex);
        keyLabel = keyLabel == null ? DEFAULT_KEY_LABEL : keyLabel;
        ConfigException.require(!keyLabel.isBlank(), "keys.pkcs11.keyLabel", "must not be empty");
    }

    /** The SunPKCS11 configuration of this token, inline ({@code Provider.configure("--...")}). */
    public String providerConfig() {
        StringBuilder config = new StringBuilder("--name = ebb-kek\nlibrary = \"").append(library.toAbsolutePath())
                .append("\"\n");
        if (slot != null) {
            config.append("slot = ").append(slot).append('\n');
        } else if (slotListIndex != null) {
            config.append("slotListIndex = ").append(slotListIndex).append('\n');
        }
        return config.toString();
    }
}
