package io.hookbridge.sink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.hookbridge.inbox.PermanentDeliveryException;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressGuardTest {

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1",
            "172.31.255.255", "192.168.1.1", "169.254.169.254", "fe80::1", "100.64.0.1", "100.100.100.200",
            "192.0.0.192", "224.0.0.1", "ff02::1", "fd00:ec2::254", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe", "198.18.0.1", "240.0.0.1", "255.255.255.255", "::a9fe:a9fe", "2002:a9fe:a9fe::1",
            "2002:7f00:1::", "2001::1", "64:ff9b:1::1", "100::1" })
    void internalAddressesAreRefused(String address) throws Exception {
        assertThat(EgressGuard.internal(InetAddress.getByName(address))).isTrue();
        assertThat(new EgressGuard(null).permits(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
            "64:ff9b::808:808", "2002:808:808::1" })
    void publicAddressesPass(String address) throws Exception {
        assertThat(EgressGuard.internal(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void theAllowListOpensRangesAndSingleAddresses() throws Exception {
        EgressGuard guard = new EgressGuard(" 10.1.0.0/16 , 127.0.0.1,fd00::/8");
        assertThat(guard.permits(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(guard.permits(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(guard.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(guard.permits(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(guard.permits(InetAddress.getByName("fd00:ec2::254"))).isTrue();
    }

    /** A name server that answers each lookup with the next of its answers. */
    static DnsResolver answers(String... addresses) {
        Deque<String> next = new ArrayDeque<>(List.of(addresses));
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                String[] answer = next.pop().split(" ");
                InetAddress[] out = new InetAddress[answer.length];
                for (int i = 0; i < answer.length; i++) {
                    out[i] = InetAddress.getByName(answer[i]);
                }
                return out;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }

    @Test
    void onlyThePermittedAddressesOfANameAreUsed() throws Exception {
        EgressGuard guard = new EgressGuard(answers("10.0.0.1 93.184.216.34"), null);
        assertThat(guard.resolve("partner.example")).containsExactly(InetAddress.getByName("93.184.216.34"));
    }

    @Test
    void aNameThatTurnsInternalLaterIsRefusedThen() throws Exception {
        EgressGuard guard = new EgressGuard(answers("93.184.216.34", "169.254.169.254"), null);
        assertThat(guard.resolve("rebind.example")).hasSize(1);
        assertThatThrownBy(() -> guard.resolve("rebind.example"))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("rebind.example resolves to 169.254.169.254")
                .hasMessageContaining("hookbridge.egress.allow")
                .hasCauseInstanceOf(PermanentDeliveryException.class);
    }
}
