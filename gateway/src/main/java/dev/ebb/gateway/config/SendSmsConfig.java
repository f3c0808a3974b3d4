package dev.ebb.gateway.config;

/**
 * A customer's credentials for the Kannel-compatible {@code /cgi-bin/sendsms} door, a migration aid for applications
 * written for Kannel's {@code sendsms-user}. The password is stored only as a {@link PasswordHash} string
 * ({@code ebb hash-password}), like an SMPP password.
 *
 * @param username Kannel's {@code username}; unique over all customers
 */
public record SendSmsConfig(String username, String passwordHash) {
    public SendSmsConfig {
        ConfigException.require(username != null && username.matches("[\\x21-\\x7E]{1,64}"),
                "customers[].sendsms.username", "must be 1..64 visible ASCII characters");
        ConfigException.require(passwordHash != null && PasswordHash.isWellFormed(passwordHash),
                "customers[].sendsms.passwordHash", "must be a hash made by `ebb hash-password` (pbkdf2$…), never a"
                        + " plain password");
    }
}
