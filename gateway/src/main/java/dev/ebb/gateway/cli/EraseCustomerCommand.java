package dev.ebb.gateway.cli;

import dev.ebb.gateway.config.ConfigLoader;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.DataDirectoryLock;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.ReceiptOutbox;
import dev.ebb.gateway.route.RouteTable;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.TrafficRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb erase-customer}: a controller's instruction (DPA termination, GDPR Art. 28(3)(g)) carried out
 * on a stopped gateway's data: the customer's content keys are destroyed, so all of its content is gone,
 * backups included; each message still pending gets a CONTENT_ERASED traffic record. So are the keys of the
 * dlr-urls its sendsms requests gave (anything the customer's application put in them). Traffic data under legal
 * retention stays until its 12 months are up.
 */
@Command(name = "erase-customer", mixinStandardHelpOptions = true,
        description = "Destroy a customer's message content now (gateway stopped); its traffic data stays under retention.")
public final class EraseCustomerCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config/ebb.yaml") Path config;
    @Option(names = "--customer", required = true, description = "customer id as in ebb.yaml") String customer;

    @Override
    public Integer call() {
        EbbConfig cfg = new ConfigLoader().load(config);
        Clock clock = Clock.systemUTC();
        DataDirectory data = cfg.data();
        KeyWrapper kek = KeyEncryptionKey.open(cfg.keys(), data, System.getenv()).orElse(null);
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data.root());
             ContentVault vault = ContentVault.open(data.content(), KeyRing.open(data.contentKeys(), kek),
                cfg.content(), clock);
             ContentVault dlrUrls = ReceiptOutbox.openVault(data.kannelDlrs(), KeyRing.open(data.kannelDlrKeys(), kek),
                     clock, FileSync.FSYNC);
             MetadataStore metadata = MetadataStore.open(data.metadata(), cfg.metadata().storeConfig(), clock, kek)) {
            PrivacyInterceptor privacy = new PrivacyInterceptor(vault, metadata, clock);
            List<TrafficRecord> erased = privacy.eraseCustomer(customer, new RouteTable(cfg.routes())::routeOf);
            dlrUrls.eraseCustomer(customer);
            System.out.printf("customer %s: content and dlr-url keys destroyed; %d pending messages recorded as"
                    + " CONTENT_ERASED.%n", customer, erased.size());
            System.out.println("Traffic data (metadata) stays until its legal retention ends; it cannot be erased earlier.");
            return 0;
        }
    }
}
