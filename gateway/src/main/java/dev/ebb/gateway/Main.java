package dev.ebb.gateway;

import dev.ebb.gateway.cli.AuditCommand;
import dev.ebb.gateway.cli.ComplianceQueryCommand;
import dev.ebb.gateway.cli.EraseCustomerCommand;
import dev.ebb.gateway.cli.HashPasswordCommand;
import dev.ebb.gateway.cli.SendCommand;
import dev.ebb.gateway.cli.VerifyCommand;
import dev.ebb.gateway.cli.WitnessCommand;
import dev.ebb.gateway.cluster.ClusterNode;
import dev.ebb.gateway.cluster.ClusterRetention;
import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.AuditLog;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.ComplianceSettings;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.RetentionView;
import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.compliance.Witnesses;
import dev.ebb.gateway.config.ConfigLoader;
import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.Durability;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.SubmitMeters;
import dev.ebb.gateway.http.HttpListener;
import dev.ebb.gateway.http.MetricsServer;
import dev.ebb.gateway.http.Readiness;
import dev.ebb.gateway.http.api.ApiMetrics;
import dev.ebb.gateway.http.api.ApiServer;
import dev.ebb.gateway.http.api.IdempotencyStore;
import dev.ebb.gateway.http.api.KannelDlrs;
import dev.ebb.gateway.http.api.MessageApi;
import dev.ebb.gateway.http.api.MoWebhook;
import dev.ebb.gateway.http.api.SendSmsDoor;
import dev.ebb.gateway.http.api.WebhookReceiptSender;
import dev.ebb.gateway.http.compliance.ComplianceServer;
import dev.ebb.gateway.net.TlsFiles;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.DataDirectoryLock;
import dev.ebb.gateway.privacy.FreeSpace;
import dev.ebb.gateway.privacy.GroupCommit;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.MessageHistory;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.StorageGuard;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.receipt.ReceiptOutbox;
import dev.ebb.gateway.receipt.ReceiptSink;
import dev.ebb.gateway.receipt.SmppReceiptSender;
import dev.ebb.gateway.route.Admission;
import dev.ebb.gateway.route.CustomerMessages;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.route.MoRouter;
import dev.ebb.gateway.route.RouteTable;
import dev.ebb.gateway.route.Router;
import dev.ebb.gateway.route.SmppMoSender;
import dev.ebb.gateway.smpp.CustomerSessions;
import dev.ebb.gateway.smpp.SmppIngress;
import dev.ebb.gateway.smpp.SmppOperations;
import dev.ebb.gateway.smpp.SmppServer;
import dev.ebb.gateway.smpp.SubmitMetrics;
import dev.ebb.gateway.smpp.SubmitRefusals;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.southbound.SmscConnector;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.KeyUnwrapException;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreException;
import dev.ebb.metadata.UnprotectedKeyFileException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ebb}: starts the gateway; all wiring of Ebb's components happens here and nowhere else. */
@Command(name = "ebb", mixinStandardHelpOptions = true, version = "Ebb 0.1",
        description = "Privacy-first SMS gateway: SMPP 3.4 in, operator SMSC out, content ≤ 72 h, metadata ≤ 12 months.",
        subcommands = {HashPasswordCommand.class, SendCommand.class, VerifyCommand.class, EraseCustomerCommand.class,
                ComplianceQueryCommand.Group.class, AuditCommand.Group.class, WitnessCommand.class})
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", defaultValue = "config/ebb.yaml", description = "configuration file (default: ${DEFAULT-VALUE})")
    Path config;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setExecutionExceptionHandler(Main::refuseToStart).execute(args));
    }

    /**
     * A bad config, a missing or corrupted key store, an incompatible data directory: one clear line and a
     * non-zero exit, not a stack trace. The messages name keys and paths, never content.
     */
    private static int refuseToStart(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        System.err.println("ebb: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        LOG.debug("start-up failure", e);
        return 2;
    }

    @Override
    public Integer call() throws Exception {
        EbbConfig cfg = new ConfigLoader().load(config);
        Running running = start(cfg, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: unbinding customers and SMSCs, flushing stores");
            running.close();
            stopped.countDown();
        }, "ebb-shutdown"));
        LOG.info("Ebb is up: SMPP {}:{}, HTTP API http://{}:{}/v1/messages, compliance http{}://{}:{}, metrics http://{}:{}/metrics,"
                        + " data in {}", cfg.smpp().host(), running.smppPort(), cfg.http().host(), running.apiPort(),
                cfg.compliance().tls() ? "s" : "", cfg.compliance().host(), running.compliancePort(), cfg.metrics().host(),
                running.metricsPort(), cfg.dataDir().toAbsolutePath());
        stopped.await();
        return 0;
    }

    /** Opens the stores, starts every listener and connector, and re-queues what was pending at the last stop. */
    public static Running start(EbbConfig cfg, Clock clock) throws InterruptedException {
        return start(cfg, clock, FreeSpace.fileStores());
    }

    /** {@link #start(EbbConfig, Clock)} with the free-space figures the storage guard acts on. */
    public static Running start(EbbConfig cfg, Clock clock, FreeSpace freeSpace) throws InterruptedException {
        return start(cfg, clock, freeSpace, FileSync.FSYNC);
    }

    /** {@link #start(EbbConfig, Clock, FreeSpace)} with the stores' group commits forcing through {@code sync}. */
    public static Running start(EbbConfig cfg, Clock clock, FreeSpace freeSpace, FileSync sync)
            throws InterruptedException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            return wire(cfg, clock, freeSpace, sync, opened);
        } catch (Throwable e) {
            // A port in use (Netty rethrows the checked BindException unchecked) or a bad key store half-way
            // through: release what was already opened, then fail as before.
            closeInReverse(opened);
            throw e;
        }
    }

    /** Opens the metadata store; a refusal names its directory and where to look further, for the one-line exit. */
    private static MetadataStore openMetadata(Path dir, EbbConfig cfg, Clock clock, KeyWrapper kek, FileSync sync) {
        try {
            return cfg.storage().durability() == Durability.FSYNC
                    ? MetadataStore.openForGroupCommit(dir, cfg.metadata().storeConfig(), clock, kek, sync)
                    : MetadataStore.open(dir, cfg.metadata().storeConfig(), clock, kek);
        } catch (UnprotectedKeyFileException | KeyUnwrapException e) {
            throw e; // names the file and its fix already
        } catch (RuntimeException e) {
            throw new MetadataStoreException("metadata store " + dir.toAbsolutePath() + " cannot be opened: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()) + "; run `ebb verify` with the same "
                    + "--config: it names the first damaged day and record, read-only; keep a copy of the directory "
                    + "before changing anything in it", e);
        }
    }

    /**
     * Builds the gateway in the order data flows backwards (stores first, listeners last), adding each part
     * to {@code opened} as it comes up; closing in reverse stops the listeners first, so nothing new arrives
     * while connectors unbind and the stores flush.
     */
    private static Running wire(EbbConfig cfg, Clock clock, FreeSpace freeSpace, FileSync sync,
                                List<AutoCloseable> opened) throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);

        DataDirectory data = cfg.data();
        // Before any store opens, released after the last one closed (closed in reverse).
        opened.add(DataDirectoryLock.acquire(data.root()));
        KeyWrapper kek = KeyEncryptionKey.open(cfg.keys(), data, System.getenv()).orElse(null);
        if (kek == null) {
            KeyEncryptionKey.warnKeysInClear(data);
        }
        KeyRing keys = KeyRing.open(data.contentKeys(), kek);
        ContentVault vault = ContentVault.open(data.content(), keys, cfg.content(), clock, sync);
        opened.add(vault);
        MetadataStore metadata = openMetadata(data.metadata(), cfg, clock, kek, sync);
        opened.add(metadata);
        ContentVault owed = ReceiptOutbox.openVault(data.receipts(), KeyRing.open(data.receiptKeys(), kek), clock, sync);
        opened.add(owed);
        ContentVault dlrUrls = ReceiptOutbox.openVault(data.kannelDlrs(), KeyRing.open(data.kannelDlrKeys(), kek), clock,
                sync);
        opened.add(dlrUrls);
        IdempotencyStore idempotency = IdempotencyStore.open(data.idempotencyKeys(), clock, sync);
        opened.add(idempotency);
        // Closed before the stores: what waits for a commit gets it.
        GroupCommit commit = GroupCommit.of(cfg.storage(), List.of(vault::force, metadata::force, owed::force,
                dlrUrls::force, idempotency::force));
        opened.add(commit);
        PrivacyInterceptor privacy = new PrivacyInterceptor(vault, metadata, clock, commit);
        // Sampled before the first listener starts: a gateway started on a full disk refuses from its first submit.
        StorageGuard storage = new StorageGuard(cfg.storage(), freeSpace)
                .watch(StorageGuard.Store.CONTENT, vault.directory())
                .watch(StorageGuard.Store.METADATA, data.metadata(),
                        new StorageGuard.Writer(metadata::writable, metadata::repair));
        storage.check();

        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        opened.add(() -> boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        opened.add(() -> workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-housekeeping");
            t.setDaemon(true);
            return t;
        });
        opened.add(() -> stopWithoutInterrupt(housekeeping));

        HandsetSimulator simulator = null;
        if (cfg.simulator().enabled()) {
            simulator = HandsetSimulator.start(cfg.simulator(), workers, clock, new SecureRandom());
            opened.add(simulator::close);
        }

        Set<String> keepers = cfg.customers().stream().filter(CustomerConfig::keepContentUntilExpiry)
                .map(CustomerConfig::id).collect(Collectors.toUnmodifiableSet());
        // Made before the SMPP server, so that what sends to customers exists before anything can arrive for them.
        CustomerSessions sessions = new CustomerSessions();
        ReceiptOutbox outbox = ReceiptOutbox.open(owed, cfg.receipts(), privacy, outboxWindows(cfg), clock);
        opened.add(outbox);
        SmppReceiptSender receiptSender = new SmppReceiptSender(sessions, outbox, housekeeping, clock);
        // In a cluster: receipts, MO and customers' rates across the nodes (docs/cluster.md); null alone. The transit
        // key wraps day keys for Kafka and gives the key that authenticates the nodes' records.
        KeyEncryptionKey transit = cfg.cluster() == null ? null : KeyEncryptionKey.forCluster(cfg.keys(), data,
                System.getenv(), cfg.cluster().topicPrefix());
        ClusterNode cluster = cfg.cluster() == null ? null : ClusterNode.create(cfg, sessions, outbox, transit, clock);
        if (cluster != null) {
            opened.add(cluster);
        }
        ReceiptSink smppReceipts = cluster == null ? receiptSender : cluster.receiptsVia(receiptSender);
        // Receipt posts to customers' endpoints get their own loop: nothing on it blocks, and a customer's slow
        // endpoint holds its own connections there, not the SMPP sessions'.
        EventLoopGroup webhookLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        opened.add(() -> webhookLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        WebhookReceiptSender webhooks = new WebhookReceiptSender(cfg.customers(), outbox, webhookLoop, clock);
        opened.add(webhooks);
        // Kannel delivery reports of /cgi-bin/sendsms messages with a dlr-url; other HTTP receipts to the receiptUrl.
        KannelDlrs kannelDlrs = new KannelDlrs(cfg.customers(), outbox, webhooks, webhookLoop, clock, dlrUrls);
        opened.add(kannelDlrs::close);
        // A receipt goes back the way its message came in.
        ReceiptSink toCustomers = receipt -> (receipt.message().record().channel() == Channel.HTTP ? kannelDlrs
                : smppReceipts).forward(receipt);
        ReceiptHandler receipts = new ReceiptHandler(privacy, outbox, toCustomers, keepers::contains, clock);
        MessageIdGenerator ids = new MessageIdGenerator(clock);
        SmppMoSender smppMo = new SmppMoSender(sessions);
        MoWebhook moWebhook = new MoWebhook(cfg.customers(), cluster == null ? smppMo : cluster.moVia(smppMo),
                webhookLoop, clock);
        opened.add(moWebhook);
        MoRouter moRouter = new MoRouter(cfg.customerByMoNumber(), moWebhook, metadata, ids, clock, housekeeping);
        // Acknowledgements and intermediate notifications (esm_class types other than receipt and MO) are taken and
        // dropped: Ebb forwards final states only.
        DeliverSmListener fromSmsc = DeliverSmListener.answeringWhen(DeliverSmListener.byKind(receipts, moRouter),
                privacy::durable);
        Map<String, SmscConnector> connectors = new LinkedHashMap<>();
        for (ConnectorConfig c : cfg.connectors()) {
            SmscConnector connector = new SmscConnector(c, fromSmsc, clock);
            connectors.put(c.name(), connector);
            opened.add(connector);
        }
        RouteTable routes = new RouteTable(cfg.routes());
        Router router = new Router(routes, connectors, privacy, kannelDlrs.observing(receipts), clock);
        Map<String, Integer> maxScheduled = cfg.customers().stream().filter(c -> c.smpp() != null)
                .collect(Collectors.toUnmodifiableMap(CustomerConfig::id, c -> c.smpp().maxScheduled()));
        Admission admission = new Admission(ids, router, privacy, storage::admitsSubmits,
                customer -> maxScheduled.getOrDefault(customer, 0));
        SubmitMeters smppSubmits = new SubmitMeters(registry, Channel.SMPP, CommandStatus::name);
        SmppIngress ingress = new SmppIngress(admission, cfg.content(), cfg.customers().stream()
                .collect(Collectors.toUnmodifiableMap(CustomerConfig::id, CustomerConfig::addressing)), cfg.customers()
                .stream().collect(Collectors.toUnmodifiableMap(CustomerConfig::id, CustomerConfig::retention)), clock,
                new SubmitMetrics(registry, smppSubmits), new SubmitRefusals(smppSubmits, clock, housekeeping));
                // query_sm, cancel_sm and replace_sm read and write the stores: on a thread of their own, not the sessions'.
        ExecutorService operationsExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ebb-smpp-operations");
            t.setDaemon(true);
            return t;
        });
        opened.add(operationsExecutor::shutdownNow);
        SmppOperations operations = new SmppOperations(new CustomerMessages(new MessageHistory(metadata, clock), router),
                cfg.content(), clock, operationsExecutor);
        SmppServer server = SmppServer.start(cfg.smpp(), cfg.customersBySystemId(), sessions, ingress, operations,
                boss, workers,
                TlsFiles.serverContext(cfg.smpp().tlsCertFile(), cfg.smpp().tlsKeyFile(), "smpp.tlsCertFile"), clock);
        opened.add(server);

        // Each part registers the meters it owns, before the first re-queued message could be timed.
        for (MeterBinder part : List.of(server, receipts, receiptSender, privacy, vault, moRouter, webhooks, commit,
                outbox, moWebhook, idempotency)) {
            part.bindTo(registry);
        }
        connectors.values().forEach(c -> c.bindTo(registry));
        requeuePending(privacy, routes, router, receipts);
        if (cluster != null) {
            // After the re-registered messages, before the first receipt: what the cluster holds for them matches.
            cluster.start(receipts, privacy::durable);
            cluster.bindTo(registry);
        }
        connectors.values().forEach(SmscConnector::start);
        // The receipts an earlier run still owed: for customers' binds (the server is up) and receiptUrls.
        outbox.start(toCustomers);

        scheduleHousekeeping(housekeeping, connectors.values(), router, vault, List.of(owed, dlrUrls), receipts, metadata, registry);
        housekeeping.scheduleAtFixedRate(outbox::sweep, 1, 1, TimeUnit.SECONDS);
        // Content whose customer asked for it to go at a time of its own: within a second of it.
        housekeeping.scheduleAtFixedRate(privacy::forgetDue, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(receiptSender::giveUpExpired, 10, 10, TimeUnit.SECONDS);

        AuditLog audit = AuditLog.open(data.auditLog(), clock);
        opened.add(opened.indexOf(vault) + 1, audit);
        audit.bindTo(registry);
        storage.watch(StorageGuard.Store.AUDIT, data.audit());
        storage.check();
        startStorageChecks(storage, cfg.storage().checkInterval(), opened);
        storage.bindTo(registry);
        Witnesses witnesses = startWitnessing(metadata, cfg, clock, opened);
        // Cluster mode (issue 17): records shipped to Kafka, compliance reading every node's. Alone: no Kafka class.
        ClusterRetention clusterRecords = cfg.cluster() == null ? null : ClusterRetention.start(cfg.cluster(), metadata,
                transit, data.root().resolve("cluster"), cfg.metadata().storeConfig().retention(), clock, registry);
        if (clusterRecords != null) {
            opened.add(clusterRecords);
        }
        RetentionView retention = clusterRecords == null ? RetentionView.of(metadata) : clusterRecords.retentionView();
        HttpListener complianceServer = startCompliance(cfg, metadata, retention, audit, DeliverySigner.openOrCreate(
                data.deliveryKey(), kek), witnesses, registry, clock, opened);
        // Customers' HTTP requests get their own loop too: a status lookup reads the store, which SMPP sessions
        // should not wait behind.
        EventLoopGroup apiLoop = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        opened.add(() -> apiLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        MessageApi api = new MessageApi(admission, sessions::tryAcquireSubmits, webhooks::wantsReceipts, metadata,
                cfg.content(), clock);
        // The Kannel door's password checks (PBKDF2) on a thread of their own: not the API loop, not SMPP binds'.
        ExecutorService sendsmsLogins = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ebb-sendsms-logins");
            t.setDaemon(true);
            return t;
        });
        opened.add(sendsmsLogins::shutdownNow);
        SendSmsDoor sendsms = new SendSmsDoor(cfg.customers(), admission, sessions::tryAcquireSubmits, kannelDlrs,
                cfg.content(), clock, sendsmsLogins);
        HttpListener apiServer = ApiServer.start(cfg.http(), cfg.customers(), api, sendsms, idempotency, commit::durable,
                new ApiMetrics(registry), apiLoop);
        opened.add(apiServer);
        apiServer.metrics("api").bindTo(registry);
        complianceServer.metrics("compliance").bindTo(registry);
        // Last, so that it answers ready only once everything it checks is there.
        Readiness readiness = readiness(cfg, vault, storage, commit, audit, server, apiServer, complianceServer,
                connectors, clusterRecords == null ? null : clusterRecords::notReady,
                cluster == null ? null : cluster::nodeIdConflict);
        readiness.bindTo(registry);
        HttpListener metricsServer = MetricsServer.start(cfg.metrics(), registry, readiness, boss);
        opened.add(metricsServer);
        metricsServer.metrics("metrics").bindTo(registry);
        return new Running(server.port(), apiServer.port(), metricsServer.port(), complianceServer.port(), opened, metadata);
    }

    /**
     * What {@code /health/ready} checks: the stores open and taking writes, every listener accepting, at least one
     * bind up per connector that a route uses (a connector no route names carries no traffic), and in cluster mode
     * Kafka answering ({@code kafka}) and no other node running with this one's node id ({@code cluster-node-id});
     * both null alone.
     */
    private static Readiness readiness(EbbConfig cfg, ContentVault vault, StorageGuard storage, GroupCommit commit,
                                       AuditLog audit, SmppServer smpp, HttpListener api, HttpListener compliance,
                                       Map<String, SmscConnector> connectors, Readiness.Check kafka,
                                       Readiness.Check clusterNodeId) {
        Map<String, Readiness.Check> checks = new LinkedHashMap<>();
        checks.put("content-store", () -> vault.isOpen() ? storage.notWritable(StorageGuard.Store.CONTENT)
                : Optional.of("the content vault is closed"));
        checks.put("metadata-store", () -> storage.notWritable(StorageGuard.Store.METADATA));
        if (cfg.storage().durability() == Durability.FSYNC) {
            checks.put("group-commit", commit::notCommitting);
        }
        checks.put("audit-log", () -> audit.isOpen() ? storage.notWritable(StorageGuard.Store.AUDIT)
                : Optional.of("the audit log is closed"));
        checks.put("smpp-listener", listening(smpp::listening, "SMPP"));
        checks.put("api-listener", listening(api::listening, "customer API"));
        checks.put("compliance-listener", listening(compliance::listening, "compliance API"));
        Set<String> routed = cfg.routes().stream().map(RouteConfig::connector).collect(Collectors.toSet());
        for (ConnectorConfig config : cfg.connectors()) {
            SmscConnector c = connectors.get(config.name());
            if (routed.contains(config.name())) {
                checks.put("connector:" + config.name(), () -> c.boundSessions() > 0 ? Optional.empty()
                        : Optional.of("no bind up to " + config.host() + ":" + config.port() + " (0 of "
                        + config.binds() + "); its messages queue"));
            }
        }
        if (kafka != null) {
            checks.put("kafka", kafka);
        }
        if (clusterNodeId != null) {
            checks.put("cluster-node-id", clusterNodeId);
        }
        return new Readiness(checks);
    }

    private static Readiness.Check listening(BooleanSupplier listening, String listener) {
        return () -> listening.getAsBoolean() ? Optional.empty() : Optional.of("the " + listener + " listener is closed");
    }

    /**
     * How many of a customer's receipts the outbox hands to the senders at most: half of what its senders hold in memory
     * before they set receipts aside (the SMPP backlog, its {@code receiptMaxWaiting}), so a sweep never hands what
     * comes straight back.
     */
    private static ToIntFunction<String> outboxWindows(EbbConfig cfg) {
        Map<String, Integer> windows = cfg.customers().stream().collect(Collectors.toUnmodifiableMap(CustomerConfig::id,
                c -> Math.max(1, Math.min(ReceiptOutbox.DEFAULT_WINDOW,
                        Math.min(SmppReceiptSender.DEFAULT_MAX_HELD, c.receiptMaxWaiting()) / 2))));
        return customer -> windows.getOrDefault(customer, ReceiptOutbox.DEFAULT_WINDOW);
    }

    /**
     * Hands every message the vault still holds for delivery back to the router, and ends the unreadable ones; one whose
     * content went early (its customer's contentRetention) waits for its receipt if the SMSC has it, or ends.
     */
    private static void requeuePending(PrivacyInterceptor privacy, RouteTable routes, Router router,
                                       ReceiptHandler receipts) {
        int[] requeued = {0};
        privacy.forEachPending(routes::routeOf, (submission, accepted) -> {
            router.dispatch(InFlight.of(accepted, submission.message(), submission.ingress().sessionId()),
                    submission.message().deliverAt());
            requeued[0]++;
        }, unreadable -> router.unreadable(InFlight.fromRecord(unreadable)), new PrivacyInterceptor.StrippedEarly() {
            @Override
            public void atSmsc(PrivacyInterceptor.Accepted message, String connector, String smscId) {
                receipts.awaitReceipt(InFlight.fromRecord(message).via(connector), connector, smscId);
            }

            @Override
            public void unsent(PrivacyInterceptor.Accepted message) {
                // Its content is gone: the connector ends it EXPIRED, with its receipt, without sending anything.
                router.dispatch(InFlight.fromRecord(message), null);
            }
        });
        if (requeued[0] > 0) {
            LOG.info("re-queued {} accepted messages from the content vault", requeued[0]);
        }
    }

    /**
     * Scheduled messages that fell due, expiry of queued messages and of the buckets of the content vault (counted)
     * and of the {@code otherVaults} (the receipt outbox's, the dlr-urls'), route failover, unmatched receipts,
     * tree-head signing and retention pruning.
     */
    private static void scheduleHousekeeping(ScheduledExecutorService housekeeping, Collection<SmscConnector> connectors,
                                             Router router, ContentVault vault, List<ContentVault> otherVaults,
                                             ReceiptHandler receipts, MetadataStore metadata, MeterRegistry registry) {
        housekeeping.scheduleAtFixedRate(() -> {
            router.releaseDue();
            connectors.forEach(SmscConnector::expireQueued);
            router.failOver();
        }, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(() -> {
            registry.counter("ebb.content.buckets.expired").increment(vault.expireDue());
            otherVaults.forEach(ContentVault::expireDue);
            receipts.expireUnmatched();
        }, 10, 10, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(metadata::signTreeHead, 1, 1, TimeUnit.MINUTES);
        housekeeping.scheduleAtFixedRate(metadata::pruneExpired, 1, 1, TimeUnit.HOURS);
    }

    /**
     * Lets the running task finish, then stops: housekeeping signs tree heads, prunes days and expires buckets, and an
     * interrupt in the middle of a file operation closes the store's channel under it (a failed write to the store).
     */
    private static void stopWithoutInterrupt(ExecutorService executor) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }

    /** Samples free space on a thread of its own: a slow expiry or prune on housekeeping must not delay a sample. */
    private static void startStorageChecks(StorageGuard storage, Duration interval, List<AutoCloseable> opened) {
        ScheduledExecutorService storageChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-storage-guard");
            t.setDaemon(true);
            return t;
        });
        opened.add(storageChecks::shutdownNow);
        storageChecks.scheduleWithFixedDelay(() -> {
            try {
                storage.check();
            } catch (RuntimeException e) {
                LOG.error("storage check failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The compliance API on an event loop of its own: its handler blocks on store reads and audit fsyncs, and a slow
     * or abusive client there must not delay customer traffic. Its audit entries are counted by action and outcome.
     */
    /**
     * Submits each new checkpoint to the configured witnesses, on a thread of its own: a slow or unreachable witness
     * must not delay housekeeping. The tree heads (and so the checkpoints) are signed each minute; so is this.
     */
    private static Witnesses startWitnessing(MetadataStore metadata, EbbConfig cfg, Clock clock,
                                             List<AutoCloseable> opened) {
        Witnesses witnesses = new Witnesses(metadata, cfg.metadata().witnesses(), Duration.ofSeconds(10), clock);
        if (!cfg.metadata().witnesses().isEmpty()) {
            ScheduledExecutorService submitter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ebb-witnesses");
                t.setDaemon(true);
                return t;
            });
            opened.add(submitter::shutdownNow);
            submitter.scheduleWithFixedDelay(witnesses::submitRecent, 5, 60, TimeUnit.SECONDS);
        }
        return witnesses;
    }

    private static HttpListener startCompliance(EbbConfig cfg, MetadataStore metadata, RetentionView retention,
                                                AuditLog audit, DeliverySigner deliveryKey, Witnesses witnesses,
                                                MeterRegistry registry, Clock clock, List<AutoCloseable> opened)
            throws InterruptedException {
        // Series an alert watches exist from the start, at 0: a rate needs two samples, so the first failure after a
        // start would otherwise go unseen.
        for (Action action : Action.values()) {
            for (String outcome : List.of("failed", "refused")) {
                registry.counter("ebb.compliance.audit.entries", "action", action.name().toLowerCase(Locale.ROOT),
                        "outcome", outcome);
            }
        }
        audit.onAppend(e -> registry.counter("ebb.compliance.audit.entries", "action", e.action().name().toLowerCase(Locale.ROOT),
                "outcome", e.outcome().name().toLowerCase(Locale.ROOT)).increment());
        EventLoopGroup complianceLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ComplianceService compliance = new ComplianceService(metadata, retention, audit,
                new TokenTable(cfg.compliance().tokens()), ComplianceSettings.of(cfg), deliveryKey, clock, witnesses);
        HttpListener complianceServer = ComplianceServer.start(cfg.compliance(), compliance, complianceLoop,
                TlsFiles.serverContext(cfg.compliance().tlsCertFile(), cfg.compliance().tlsKeyFile(),
                        "compliance.tlsCertFile"));
        opened.add(() -> complianceLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        opened.add(complianceServer);
        return complianceServer;
    }

    private static void closeInReverse(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn("while stopping: {}", e.toString());
            }
        }
    }

    /** A started gateway: its ports (tests bind to port 0) and an orderly stop. */
    public static final class Running implements AutoCloseable {
        private final int smppPort;
        private final int apiPort;
        private final int metricsPort;
        private final int compliancePort;
        private final List<AutoCloseable> opened;
        private final MetadataStore metadata;

        Running(int smppPort, int apiPort, int metricsPort, int compliancePort, List<AutoCloseable> opened,
                MetadataStore metadata) {
            this.smppPort = smppPort;
            this.apiPort = apiPort;
            this.metricsPort = metricsPort;
            this.compliancePort = compliancePort;
            this.opened = opened;
            this.metadata = metadata;
        }

        public int smppPort() {
            return smppPort;
        }

        /** The customer HTTP API's port. */
        public int apiPort() {
            return apiPort;
        }

        public int metricsPort() {
            return metricsPort;
        }

        public int compliancePort() {
            return compliancePort;
        }

        /** The traffic records written so far (read-only use: queries, verify). */
        public MetadataStore metadata() {
            return metadata;
        }

        @Override
        public void close() {
            closeInReverse(opened);
        }
    }
}
