package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.ReceiptsConfig;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.ReceiptOutbox;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import java.nio.file.Path;
import java.time.Clock;

/** A real content vault, metadata store and receipt outbox in a temp dir, and the privacy interceptor over them. */
public final class PrivacyStores implements AutoCloseable {
    public final ContentVault vault;
    public final MetadataStore metadata;
    public final PrivacyInterceptor privacy;
    public final ReceiptOutbox outbox;

    public PrivacyStores(Path dir, Clock clock) {
        this(dir, clock, ReceiptOutbox.DEFAULT_WINDOW);
    }

    /** @param outboxWindow receipts of a customer the outbox hands to a sink at most */
    public PrivacyStores(Path dir, Clock clock, int outboxWindow) {
        vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")),
                ContentConfig.defaults(), clock);
        metadata = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock);
        privacy = new PrivacyInterceptor(vault, metadata, clock);
        outbox = ReceiptOutbox.open(ReceiptOutbox.openVault(dir.resolve("receipts"), KeyRing.open(dir.resolve("receipt-keys")),
                clock, FileSync.FSYNC), ReceiptsConfig.defaults(), privacy, customer -> outboxWindow, clock);
    }

    @Override
    public void close() {
        outbox.close();
        vault.close();
        metadata.close();
    }
}
