import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The destinations of the end-to-end cases: a fast HTTP receiver on several ports that answers 204 to everything,
 * counts what arrives per port and path, and measures the delivery latency of each request as its arrival time minus
 * the receive time the event id carries (webhook-id is evt_ + a ULID: 10 Crockford base32 characters of epoch
 * milliseconds, see hookbridge-components/src/main/java/io/hookbridge/inbox/EventIds.java). webhook-timestamp is in seconds, too coarse.
 * Any of its ports can be turned into a black hole: it still accepts connections and reads requests, but never
 * answers, so the sender waits until its own timeout (the isolation case); or closed, so that connecting to it is
 * refused at once (the fast-failing case).
 *
 *   java -cp target/hookbridge.jar bench/Receiver.java CONTROL_PORT PORT...
 *
 * Control port (not counted):
 *   POST /reset        forget everything (counts, ids, latencies); black holes stay
 *   POST /blackhole?port=N[&on=false]   port N stops answering (or answers again)
 *   POST /refuse?port=N[&on=false]      port N stops listening: connections are refused (or it listens again)
 *   POST /mark/start   start the measured window: from now on latencies are recorded and arrivals counted per window
 *   POST /mark/end     freeze the window's counts (its rate is count / window length); latencies keep being recorded,
 *                      so the deliveries of a backlog that drains after the load are in the percentiles too
 *   GET  /stats        JSON; GET /stats.txt the same as one line per destination, for shell scripts:
 *                      key total unique window_count window_rate last_ms p50 p99 p999 max (ms), then
 *                      "blackholed_requests N": requests left unanswered
 */
public class Receiver {

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /** What one destination (port + path) has seen. Guarded by the Receiver's lock: a few thousand calls a second. */
    static final class Destination {
        long total;
        long windowCount;
        long lastMillis;
        long noId;
        final Set<String> ids = new HashSet<>();
        long[] latencies = new long[1 << 16];
        int latencyCount;

        void addLatency(long ms) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = ms;
        }
    }

    private final Map<String, Destination> destinations = new TreeMap<>();
    private long resetAt = System.currentTimeMillis();
    private long windowStart; // 0: no window yet
    private long windowEnd;   // 0: window open (or none)
    private long blackholed;
    private final Set<Integer> holes = ConcurrentHashMap.newKeySet();

    static long idMillis(String eventId) {
        long t = 0;
        for (int i = 4; i < 14; i++) {
            int v = ALPHABET.indexOf(eventId.charAt(i));
            if (v < 0) {
                return -1;
            }
            t = (t << 5) | v;
        }
        return t;
    }

    synchronized void arrived(String key, String id, long now) {
        Destination d = destinations.computeIfAbsent(key, k -> new Destination());
        d.total++;
        d.lastMillis = now;
        if (windowStart != 0 && windowEnd == 0) {
            d.windowCount++;
        }
        if (id == null || id.length() < 14) {
            d.noId++;
            return;
        }
        d.ids.add(id);
        long idMillis = idMillis(id);
        if (windowStart != 0 && idMillis > 0) {
            d.addLatency(Math.max(0, now - idMillis));
        }
    }

    synchronized void control(HttpServerRequest request) {
        long now = System.currentTimeMillis();
        String path = request.path();
        String answer = "{\"ok\":true}";
        String type = "application/json";
        switch (path) {
            case "/reset" -> {
                destinations.clear();
                resetAt = now;
                windowStart = 0;
                windowEnd = 0;
                blackholed = 0;
            }
            case "/blackhole" -> {
                int port = Integer.parseInt(request.getParam("port"));
                if ("false".equals(request.getParam("on"))) {
                    holes.remove(port);
                } else {
                    holes.add(port);
                }
            }
            case "/mark/start" -> {
                windowStart = now;
                windowEnd = 0;
                destinations.values().forEach(d -> {
                    d.windowCount = 0;
                    d.latencyCount = 0;
                });
            }
            case "/mark/end" -> windowEnd = now;
            case "/stats" -> answer = json(now);
            case "/stats.txt" -> {
                answer = text(now);
                type = "text/plain";
            }
            default -> {
                request.response().setStatusCode(404).end();
                return;
            }
        }
        request.response().putHeader("Content-Type", type).end(answer);
    }

    private double windowSeconds(long now) {
        if (windowStart == 0) {
            return 0;
        }
        return ((windowEnd == 0 ? now : windowEnd) - windowStart) / 1000.0;
    }

    private static long[] percentiles(Destination d) {
        long[] sorted = Arrays.copyOf(d.latencies, d.latencyCount);
        Arrays.sort(sorted);
        return new long[] {pick(sorted, 50), pick(sorted, 99), pick(sorted, 99.9),
                sorted.length == 0 ? -1 : sorted[sorted.length - 1]};
    }

    private static long pick(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Every destination, and "all": the latencies of every destination together. */
    private List<Object[]> rows(long now) {
        double seconds = windowSeconds(now);
        List<Object[]> rows = new ArrayList<>();
        Destination all = new Destination();
        for (Map.Entry<String, Destination> e : destinations.entrySet()) {
            Destination d = e.getValue();
            rows.add(row(e.getKey(), d, d.ids.size(), seconds));
            all.total += d.total;
            all.windowCount += d.windowCount;
            all.lastMillis = Math.max(all.lastMillis, d.lastMillis);
            for (int i = 0; i < d.latencyCount; i++) {
                all.addLatency(d.latencies[i]);
            }
        }
        rows.add(row("all", all, destinations.values().stream().mapToLong(d -> d.ids.size()).sum(), seconds));
        return rows;
    }

    private static Object[] row(String key, Destination d, long unique, double seconds) {
        long[] p = percentiles(d);
        return new Object[] {key, d.total, unique, d.windowCount,
                seconds > 0 ? String.format("%.1f", d.windowCount / seconds) : "0", d.lastMillis, p[0], p[1], p[2], p[3]};
    }

    private String text(long now) {
        StringBuilder out = new StringBuilder();
        for (Object[] r : rows(now)) {
            for (int i = 0; i < r.length; i++) {
                out.append(i == 0 ? "" : " ").append(r[i]);
            }
            out.append('\n');
        }
        out.append("blackholed_requests ").append(blackholed).append('\n');
        return out.toString();
    }

    private String json(long now) {
        StringBuilder out = new StringBuilder("{\"now\":").append(now).append(",\"resetAt\":").append(resetAt)
                .append(",\"windowSeconds\":").append(windowSeconds(now))
                .append(",\"blackholedRequests\":").append(blackholed).append(",\"blackholes\":\"").append(holes)
                .append('"').append(",\"destinations\":{");
        String separator = "";
        for (Object[] r : rows(now)) {
            out.append(separator).append('"').append(r[0]).append("\":{\"total\":").append(r[1])
                    .append(",\"unique\":").append(r[2]).append(",\"windowCount\":").append(r[3])
                    .append(",\"windowRate\":").append(r[4]).append(",\"lastMillis\":").append(r[5])
                    .append(",\"latencyMs\":{\"p50\":").append(r[6]).append(",\"p99\":").append(r[7])
                    .append(",\"p999\":").append(r[8]).append(",\"max\":").append(r[9]).append("}}");
            separator = ",";
        }
        return out.append("}}").toString();
    }

    private Vertx vertx;
    /** The deployment serving each destination port, while it listens. */
    private final Map<Integer, String> listening = new ConcurrentHashMap<>();

    /** Closes a destination port (connections refused) or opens it again; outside the lock, which arrivals take. */
    void refuse(HttpServerRequest request) {
        int port = Integer.parseInt(request.getParam("port"));
        if ("false".equals(request.getParam("on"))) {
            if (!listening.containsKey(port)) {
                listen(port);
            }
        } else {
            String deployment = listening.remove(port);
            if (deployment != null) {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().join();
            }
        }
        request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
    }

    /** Serves a destination port on every event loop (one server instance per core): the receiver is never the limit. */
    void listen(int port) {
        String prefix = port + "";
        String deployment = vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer().requestHandler(request -> {
                    if (holes.contains(port)) {
                        // a black hole: the connection stays open, the request is never answered
                        synchronized (Receiver.this) {
                            blackholed++;
                        }
                        return;
                    }
                    request.body().onComplete(body -> {
                        arrived(prefix + request.path(), request.getHeader("webhook-id"), System.currentTimeMillis());
                        request.response().setStatusCode(204).end();
                    });
                }).listen(port, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .toCompletionStage().toCompletableFuture().join();
        listening.put(port, deployment);
    }

    public static void main(String[] args) {
        int controlPort = Integer.parseInt(args[0]);
        Receiver receiver = new Receiver();
        receiver.vertx = Vertx.vertx();
        // the control port on a worker: closing or opening a port waits for Vert.x to do it
        receiver.vertx.createHttpServer().requestHandler(request -> receiver.vertx.executeBlocking(() -> {
            if (request.path().equals("/refuse")) {
                receiver.refuse(request);
            } else {
                receiver.control(request);
            }
            return null;
        })).listen(controlPort, "127.0.0.1");
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ports.add(Integer.parseInt(args[i]));
            receiver.listen(ports.get(ports.size() - 1));
        }
        System.out.println("receiver: control " + controlPort + ", destinations " + ports);
    }
}
