package io.hookbridge.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Who may use the admin API. With {@code hookbridge.admin.token} set, a request needs {@code Authorization: Bearer
 * <token>}; {@code hookbridge.admin.read-token} gives read-only access (GET). Without a token the API answers callers
 * on the loopback interface only, and not through a proxy: a reverse proxy or sidecar on the same host connects from
 * loopback on behalf of anyone, so a request carrying forwarding headers is refused too, and so is one whose Host is
 * not a loopback name (a page rebinding its own name to 127.0.0.1). A browser's cross-origin request that would change
 * something is refused in any case. Tokens compare in constant time.
 */
final class AdminAccess implements Processor {

    private final byte[] writeToken;
    private final byte[] readToken;

    AdminAccess(String writeToken, String readToken) {
        this.writeToken = bytes(writeToken);
        this.readToken = bytes(readToken);
    }

    static AdminAccess from(PropertiesComponent properties) {
        return new AdminAccess(properties.resolveProperty("hookbridge.admin.token").orElse(null),
                properties.resolveProperty("hookbridge.admin.read-token").orElse(null));
    }

    private static byte[] bytes(String token) {
        return token == null || token.isBlank() ? null : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        boolean write = !"GET".equalsIgnoreCase(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class));
        String host = authority(exchange);
        if (write && crossOrigin(exchange.getMessage().getHeader("Origin", String.class), host)) {
            // a page of another site in the operator's browser must not replay, pause or delete
            throw new AdminException(403, "cross-origin request refused");
        }
        if (writeToken == null && readToken == null) {
            // a page of another site that rebinds its own name to 127.0.0.1 arrives with its own Host
            if (!fromLoopback(exchange) || forwarded(exchange) || host == null || !isLoopback(hostName(host))) {
                throw new AdminException(403, "the admin API answers on loopback only, not through a proxy, until "
                        + "hookbridge.admin.token is set");
            }
            return;
        }
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null) {
            throw new AdminException(401, "missing Authorization: Bearer token");
        }
        boolean canWrite = writeToken != null && MessageDigest.isEqual(writeToken, given);
        boolean canRead = canWrite || readToken != null && MessageDigest.isEqual(readToken, given);
        if (!canRead) {
            throw new AdminException(401, "invalid token");
        }
        if (write && !canWrite) {
            throw new AdminException(403, "this token may only read");
        }
    }

    boolean hasToken() {
        return writeToken != null || readToken != null;
    }

    /** Whether a host name or address names this machine only. */
    static boolean isLoopback(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || h.startsWith("127.");
    }

    /** The host and port the request was sent to: its Host header, or HTTP/2's :authority (Camel keeps both out). */
    private static String authority(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest().authority() != null) {
            HostAndPort authority = http.getRequest().authority();
            return authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        }
        return null;
    }

    /** Whether a browser's Origin is another site than the Host it called. */
    private static boolean crossOrigin(String origin, String host) {
        if (origin == null) {
            return false;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        return host == null || !(o.equals("http://" + host.toLowerCase(Locale.ROOT))
                || o.equals("https://" + host.toLowerCase(Locale.ROOT)));
    }

    /** The name in a Host header, without its port. */
    private static String hostName(String host) {
        if (host.startsWith("[")) {
            return host.substring(0, host.indexOf(']') + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static boolean forwarded(Exchange exchange) {
        for (String header : new String[] { "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP" }) {
            if (exchange.getMessage().getHeader(header) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean fromLoopback(Exchange exchange) {
        Object remote = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        if (remote instanceof SocketAddress address && address.hostAddress() != null) {
            return new InetSocketAddress(address.hostAddress(), 0).getAddress().isLoopbackAddress();
        }
        return false;
    }
}
