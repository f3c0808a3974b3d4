package dev.ebb.gateway.config;

import dev.ebb.metadata.NoteVerifierKey;
import java.net.URI;

/**
 * A witness Ebb submits its checkpoints to (C2SP tlog-witness), {@code metadata.witnesses[]} in {@code ebb.yaml}. Ebb
 * connects to nothing else for it (DESIGN invariant 7: no connection the config did not ask for).
 *
 * @param url the witness's submission prefix ({@code <url>/add-checkpoint} is posted to), http or https
 * @param key the witness's cosignature vkey ({@code <name>+<key ID>+<base64(0x04 || key)>}), as {@code ebb witness}
 *            prints it
 */
public record WitnessConfig(String url, String key) {
    public WitnessConfig {
        ConfigException.require(url != null && url.matches("https?://[^\\s]+") && !url.endsWith("/"),
                "metadata.witnesses[].url", "must be an http(s) URL without a trailing '/', was " + url);
        try {
            ConfigException.require(NoteVerifierKey.parse(key).type() == NoteVerifierKey.TYPE_COSIGNATURE,
                    "metadata.witnesses[].key", "must be a cosignature key (type 0x04)");
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("metadata.witnesses[].key", "is not a verifier key: " + e.getMessage());
        }
    }

    /** The submission prefix. */
    public URI uri() {
        return URI.create(url);
    }

    /** The key, parsed. */
    public NoteVerifierKey verifierKey() {
        return NoteVerifierKey.parse(key);
    }
}
