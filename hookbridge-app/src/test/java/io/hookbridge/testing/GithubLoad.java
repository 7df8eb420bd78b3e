package io.hookbridge.testing;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients posting signed GitHub events to {@code /webhooks/github} as fast as they can until closed, spread over one
 * or more gateways like a round-robin load balancer. The ids of the events answered 202 are what must never be lost;
 * a request that fails (a gateway killed under it) is not acknowledged, as a provider would retry it.
 */
public final class GithubLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService clients;
    private final List<Future<?>> futures = new ArrayList<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Set<String>> ackedByPort = new ConcurrentHashMap<>();

    public GithubLoad(String secret, List<Integer> ports, int clientCount) {
        clients = Executors.newFixedThreadPool(clientCount);
        AtomicInteger next = new AtomicInteger();
        for (int i = 0; i < clientCount; i++) {
            futures.add(clients.submit(() -> {
                while (running.get()) {
                    int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
                    byte[] body = ("{\"ref\":\"refs/heads/main\",\"n\":\"" + UUID.randomUUID() + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    try {
                        HttpResponse<String> response = Http.post("http://127.0.0.1:" + port + "/webhooks/github", body,
                                Signatures.githubHeaders(secret, "push", UUID.randomUUID().toString(), body));
                        if (response.statusCode() == 202) {
                            acked.add(Http.eventId(response));
                            ackedByPort.computeIfAbsent(port, p -> ConcurrentHashMap.newKeySet()).add(Http.eventId(response));
                        }
                    } catch (Exception refusedOrKilledMidRequest) {
                        // not acknowledged
                    }
                }
                return null;
            }));
        }
    }

    /** The ids of the events acknowledged so far. */
    public Set<String> acked() {
        return acked;
    }

    /** The ids of the events the gateway on that port acknowledged. */
    public Set<String> ackedBy(int port) {
        return ackedByPort.getOrDefault(port, Set.of());
    }

    /** Stops the clients and waits for their last requests. */
    @Override
    public void close() throws Exception {
        running.set(false);
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
    }
}
