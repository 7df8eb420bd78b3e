package io.hookbridge.source;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** The {@code webhook-receiver} component: verified inbound webhooks over Camel's platform-http server. */
@Component("webhook-receiver")
public class WebhookReceiverComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        String path = remaining == null ? "" : remaining.replaceFirst("^/*", "/");
        if (path.equals("/")) {
            throw new IllegalArgumentException("webhook-receiver needs a path, as in webhook-receiver:/webhooks/github");
        }
        WebhookReceiverEndpoint endpoint = new WebhookReceiverEndpoint(uri, this, path);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
