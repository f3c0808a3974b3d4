package dev.ebb.gateway.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
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
    /** The first 12 octets of NAT64's well-known prefix 64:ff9b::/96. */
    private static final byte[] NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    /** The first 12 octets of an IPv4-compatible address ::/96. */
    private static final byte[] IPV4_COMPATIBLE = new byte[12];

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
        Optional<InetAddress> carried = embeddedIpv4(address);
        if (carried.isPresent() && refusal(carried.get()).isPresent()) {
            return Optional.of("carries a private, link-local or reserved address (" + address.getHostAddress()
                    + " is " + carried.get().getHostAddress() + ")");
        }
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

    /**
     * IPv4 0.0.0.0/8 ("this network", RFC 1122), 100.64.0.0/10 (carrier-grade NAT, RFC 6598) and 240.0.0.0/4
     * (reserved, RFC 1112 §4, with the limited broadcast address).
     */
    private static boolean sharedOrReserved(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 && (b[0] == 0 || (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64 || (b[0] & 0xF0) == 0xF0);
    }

    /**
     * The IPv4 address an IPv6 one leads to through a translator or tunnel the network may have: NAT64's well-known
     * prefix 64:ff9b::/96 (RFC 6052 §2.1), 6to4's 2002::/16 (RFC 3056 §2), the IPv4-compatible ::/96
     * (RFC 4291 §2.5.5.1). (The JDK already reads an IPv4-mapped ::ffff:0:0/96 address as IPv4.)
     */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        int from;
        if (b[0] == 0x20 && b[1] == 0x02) {
            from = 2;
        } else if (Arrays.equals(b, 0, 12, NAT64, 0, 12) || Arrays.equals(b, 0, 12, IPV4_COMPATIBLE, 0, 12)) {
            from = 12;
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four octets are an IPv4 address", e);
        }
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
