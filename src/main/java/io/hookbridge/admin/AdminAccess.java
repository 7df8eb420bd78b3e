package io.hookbridge.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Who may use the admin API. With {@code hookbridge.admin.token} set, a request needs {@code Authorization: Bearer
 * <token>}; {@code hookbridge.admin.read-token} gives read-only access (GET). Without a token the API answers callers
 * on the loopback interface only, and not through a proxy: a reverse proxy or sidecar on the same host connects from
 * loopback on behalf of anyone, so a request carrying forwarding headers is refused too. Tokens compare in constant
 * time.
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
        if (writeToken == null && readToken == null) {
            if (!fromLoopback(exchange) || forwarded(exchange)) {
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
