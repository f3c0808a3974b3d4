package dev.ebb.gateway.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * The guard against server-side request forgery for the URLs Ebb calls on a customer's behalf ({@code receiptUrl},
 * {@code moUrl}, a Kannel {@code dlr-url}): http or https only, and no address inside the gateway's own networks
 * (loopback, link-local — which holds cloud metadata services at 169.254.169.254 —, private, unique-local, CGNAT,
 * unspecified, multicast) unless the customer's {@code allowPrivateCallbacks} says so. A URL names a host whose
 * address may change after it was checked (DNS rebinding), so the check runs when the config is loaded and again on
 * the address each connection is about to use.
 */
public final class CallbackUrls {
    private CallbackUrls() {
    }

    /**
     * Why the URL may not be called, or empty when it may. A host name that does not resolve now passes: it is checked
     * again when Ebb connects, and a DNS outage at start-up should not stop the gateway.
     */
    public static Optional<String> refusal(URI url, boolean allowPrivate) {
        Optional<String> shape = shape(url);
        if (shape.isPresent() || allowPrivate) {
            return shape;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host(url))) {
                Optional<String> refused = refusal(a);
                if (refused.isPresent()) {
                    return refused;
                }
            }
        } catch (UnknownHostException e) {
            // Checked again on connecting.
        }
        return Optional.empty();
    }

    /**
     * As {@link #refusal(URI, boolean)}, without a DNS lookup (where a request is being answered): an address is
     * checked, and the name {@code localhost}; any other name is checked when Ebb connects.
     */
    public static Optional<String> refusalWithoutLookup(URI url, boolean allowPrivate) {
        Optional<String> shape = shape(url);
        if (shape.isPresent() || allowPrivate) {
            return shape;
        }
        String host = host(url);
        if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return Optional.of("points at this host (" + host + ")"); // RFC 6761 §6.3
        }
        if (host.contains(":") || host.matches("[0-9.]+")) {
            try {
                return refusal(InetAddress.getByName(host)); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                return Optional.of("has a malformed address (" + host + ")");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> shape(URI url) {
        if (url == null || !url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getHost() == null || url.getRawUserInfo() != null) {
            return Optional.of("must be an absolute http or https URL without user information");
        }
        return Optional.empty();
    }

    private static String host(URI url) {
        String host = url.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** Why Ebb may not connect to this address on a customer's behalf, or empty when it may. */
    public static Optional<String> refusal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return Optional.of("points at this host (" + address.getHostAddress() + ")");
        }
        if (address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isMulticastAddress()
                || uniqueLocal(address) || sharedOrReserved(address)) {
            return Optional.of("points at a private, link-local or reserved address (" + address.getHostAddress()
                    + ")");
        }
        return Optional.empty();
    }

    /** RFC 4193 fc00::/7, which {@link InetAddress#isSiteLocalAddress} does not cover (it knows only fec0::/10). */
    private static boolean uniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    /** IPv4 0.0.0.0/8 ("this network", RFC 1122) and 100.64.0.0/10 (carrier-grade NAT, RFC 6598). */
    private static boolean sharedOrReserved(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 && (b[0] == 0 || (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64);
    }

    /** Throws the config error of a URL that {@link #refusal refuses}. */
    static void require(URI url, boolean allowPrivate, String key) {
        if (url != null) {
            refusal(url, allowPrivate).ifPresent(why -> {
                throw new ConfigException(key, why + (why.startsWith("must") ? ", was " + url
                        : "; set allowPrivateCallbacks: true for the customer if that is meant"));
            });
        }
    }
}
