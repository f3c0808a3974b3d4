package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import java.nio.file.Path;
import java.time.Clock;

/** A real content vault and metadata store in a temp dir, and the privacy interceptor over them. */
public final class PrivacyStores implements AutoCloseable {
    public final ContentVault vault;
    public final MetadataStore metadata;
    public final PrivacyInterceptor privacy;

    public PrivacyStores(Path dir, Clock clock) {
        vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")),
                ContentConfig.defaults(), clock);
        metadata = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock);
        privacy = new PrivacyInterceptor(vault, metadata, clock);
    }

    @Override
    public void close() {
        vault.close();
        metadata.close();
    }
}
