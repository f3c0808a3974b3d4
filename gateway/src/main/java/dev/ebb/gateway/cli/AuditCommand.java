package dev.ebb.gateway.cli;

import dev.ebb.gateway.compliance.ExportVerifier;
import dev.ebb.metadata.NoteVerifierKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ebb audit verify-export FILE --witness-key KEY}: checks an export package offline, without a data directory
 * or a connection, and prints each check that passed and the first that failed. Exit 0 when it verifies, 1 when a
 * check fails, 2 when the file or a key cannot be read.
 */
@Command(name = "verify-export", mixinStandardHelpOptions = true,
        description = "Verify an export package offline against its cosigned checkpoints.")
public final class AuditCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the export package (JSON)")
    Path file;

    @Option(names = "--witness-key", required = true, description = "a witness's cosignature vkey "
            + "(<name>+<id>+<key>); every checkpoint must be cosigned by each one given")
    List<String> witnessKeys = new ArrayList<>();

    @Option(names = "--log-key", description = "the log's vkey; default: the one the package names")
    String logKey;

    @Option(names = "--provider-key", description = "Base64 X.509 Ed25519 key of the provider's signature; "
            + "default: the one the package names")
    String providerKey;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        byte[] bytes;
        List<NoteVerifierKey> witnesses = new ArrayList<>();
        NoteVerifierKey log;
        PublicKey provider;
        try {
            bytes = Files.readAllBytes(file);
            for (String k : witnessKeys) {
                NoteVerifierKey w = NoteVerifierKey.parse(k);
                if (w.type() != NoteVerifierKey.TYPE_COSIGNATURE) {
                    throw new IllegalArgumentException("--witness-key " + w.name() + " is not a cosignature key");
                }
                witnesses.add(w);
            }
            log = logKey == null ? null : NoteVerifierKey.parse(logKey);
            provider = providerKey == null ? null : KeyFactory.getInstance("Ed25519").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(providerKey)));
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            out.println("cannot verify: " + e.getMessage());
            return 2;
        }
        ExportVerifier.Report report = ExportVerifier.verify(bytes, witnesses, log, provider);
        report.passed().forEach(p -> out.println("ok: " + p));
        if (report.ok()) {
            out.println("OK: " + file + " verifies");
            return 0;
        }
        out.println("FAILED: " + report.failure());
        return 1;
    }

    /** {@code ebb audit}: checks an auditor runs on what Ebb handed over. */
    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit tools (offline).",
            subcommands = AuditCommand.class)
    public static final class Group {
    }
}
