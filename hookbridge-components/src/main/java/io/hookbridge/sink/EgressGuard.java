package io.hookbridge.sink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.hookbridge.inbox.PermanentDeliveryException;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The HTTP sinks' guard against server-side request forgery: a destination may not resolve to a loopback, private,
 * link-local (where cloud metadata services live), carrier-grade NAT, multicast or otherwise reserved address,
 * unless {@code hookbridge.egress.allow} lists it (comma-separated CIDRs, e.g. {@code 10.1.0.0/16, 127.0.0.1/32}).
 * It is the HTTP client's DNS resolver, so it checks the very addresses the client connects to, on every new
 * connection: a name that resolves to a public address at start-up and to a private one later (DNS rebinding) is
 * refused then.
 */
public final class EgressGuard implements DnsResolver {

    /** Reserved ranges Java's own predicates (loopback, site-local, link-local, any, multicast) do not cover. */
    private static final List<IpSubnetFilterRule> RESERVED = rules("0.0.0.0/8, 100.64.0.0/10, 192.0.0.0/24, "
            + "192.0.2.0/24, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 240.0.0.0/4, fc00::/7, 2001:db8::/32, "
            + "64:ff9b:1::/48, 2001::/32, 100::/64");
    /** IPv6 ranges that stand for an IPv4 address, and where in the 16 bytes it is: NAT64 and IPv4-compatible (last
     * 4 bytes), 6to4 (bytes 2 to 5). The IPv4 address decides. */
    private static final List<IpSubnetFilterRule> LAST_FOUR = rules("64:ff9b::/96, ::/96");
    private static final IpSubnetFilterRule SIX_TO_FOUR = rules("2002::/16").get(0);

    private final DnsResolver dns;
    private final List<IpSubnetFilterRule> allowed;

    EgressGuard(DnsResolver dns, String allow) {
        this.dns = dns;
        this.allowed = rules(allow);
    }

    public EgressGuard(String allow) {
        this(SystemDefaultDnsResolver.INSTANCE, allow);
    }

    private static List<IpSubnetFilterRule> rules(String cidrs) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        if (cidrs != null) {
            for (String cidr : cidrs.split(",")) {
                if (!cidr.isBlank()) {
                    String c = cidr.trim();
                    rules.add(new IpSubnetFilterRule(c.contains("/") ? c : c + (c.contains(":") ? "/128" : "/32"),
                            IpFilterRuleType.ACCEPT));
                }
            }
        }
        return rules;
    }

    /** The host's addresses that may be used; refused if there is none. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] all = dns.resolve(host);
        InetAddress[] permitted = Arrays.stream(all).filter(this::permits).toArray(InetAddress[]::new);
        if (permitted.length == 0) {
            String message = "destination " + host + " resolves to " + all[0].getHostAddress() + ", an internal "
                    + "address: allow it with hookbridge.egress.allow";
            // an IOException for the HTTP client, which then gives its connection back; caused by a permanent failure
            // for the inbox, since retrying cannot help
            UnknownHostException refused = new UnknownHostException(message);
            refused.initCause(new PermanentDeliveryException(message));
            throw refused;
        }
        return permitted;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return dns.resolveCanonicalHostname(host);
    }

    boolean permits(InetAddress address) {
        return matches(allowed, address) || !internal(address);
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || matches(RESERVED, a)) {
            return true;
        }
        if (a instanceof Inet6Address) {
            int from = matches(LAST_FOUR, a) ? 12 : SIX_TO_FOUR.matches(new InetSocketAddress(a, 0)) ? 2 : -1;
            if (from >= 0) {
                try {
                    return internal(InetAddress.getByAddress(Arrays.copyOfRange(a.getAddress(), from, from + 4)));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(List<IpSubnetFilterRule> rules, InetAddress a) {
        InetSocketAddress socket = new InetSocketAddress(a, 0);
        return rules.stream().anyMatch(r -> r.matches(socket));
    }
}
