package io.hookbridge.inbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoredHeadersTest {

    @Test
    void keepsDescriptiveHeadersAndDropsSecretsTransportAndInternals() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("X-GitHub-Event", "push");
        headers.put("X-GitHub-Delivery", "72d3162e");
        headers.put("User-Agent", "GitHub-Hookshot/abc");
        headers.put("X-Hub-Signature-256", "sha256=00");
        headers.put("Authorization", "Bearer x");
        headers.put("X-Api-Key", "k");
        headers.put("X-Slack-Request-Timestamp", "1");
        headers.put("Stripe-Signature", "t=1,v1=00");
        headers.put("Content-Length", "12");
        headers.put("Host", "gw");
        headers.put("CamelHttpMethod", "POST");
        headers.put("HookbridgeEventType", "push");
        headers.put("X-Multi", List.of("a", "b"));

        assertThat(StoredHeaders.of(headers)).containsOnlyKeys("X-GitHub-Event", "X-GitHub-Delivery", "User-Agent",
                "X-Slack-Request-Timestamp");
    }
}
