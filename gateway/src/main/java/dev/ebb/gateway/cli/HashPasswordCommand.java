package dev.ebb.gateway.cli;

import dev.ebb.gateway.config.PasswordHash;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ebb hash-password SECRET}: what goes into {@code customers[].smpp.passwordHash}. */
@Command(name = "hash-password", description = "Print the PBKDF2 hash of an SMPP password for ebb.yaml.",
        mixinStandardHelpOptions = true)
public final class HashPasswordCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PASSWORD", description = "the SMPP password (at most 8 characters, SMPP 3.4 §5.2.2)")
    String password;

    @Override
    public Integer call() {
        if (password.length() > 8) {
            System.err.println("an SMPP 3.4 password has at most 8 characters; this one has " + password.length());
            return 2;
        }
        System.out.println(PasswordHash.hash(password));
        return 0;
    }
}
