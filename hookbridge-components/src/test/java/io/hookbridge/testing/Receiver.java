package io.hookbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 standing in for a webhook destination: records every request and answers with the
 * statuses it was told to (then 200), or never answers at all when black-holed.
 */
public final class Receiver implements AutoCloseable {

    /** One request as received, and the status it was answered with. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body, int status) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A scripted answer: status and extra response headers. */
    public record Answer(int status, Map<String, String> headers) {
    }

    private final String address;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile boolean blackHole;
    private volatile int defaultStatus = 200;
    private volatile long answerDelayMillis;

    public Receiver() throws IOException {
        this("127.0.0.1");
    }

    /** A receiver on another local address, e.g. 127.0.0.2. */
    public Receiver(String address) throws IOException {
        this(address, 0);
    }

    /** A receiver on that address and port (0: any free one). */
    public Receiver(String address, int port) throws IOException {
        this.address = address;
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://" + address + ":" + server.getAddress().getPort() + path;
    }

    /** The next answers, in order; after them every request gets the default status. */
    public Receiver answer(int... statuses) {
        for (int s : statuses) {
            script.add(new Answer(s, Map.of()));
        }
        return this;
    }

    public Receiver answer(int status, Map<String, String> headers) {
        script.add(new Answer(status, headers));
        return this;
    }

    public Receiver always(int status) {
        this.defaultStatus = status;
        return this;
    }

    /** Takes that long over every answer, like a destination that does some work. */
    public Receiver answerAfter(long millis) {
        this.answerDelayMillis = millis;
        return this;
    }

    /**
     * How many requests arrived while another one for the same event ({@code webhook-id}) and path was still being
     * answered: the same delivery worked twice at once.
     */
    public int overlaps() {
        return overlaps.get();
    }

    /** Accepts connections and reads requests but never answers. */
    public Receiver blackHole() {
        this.blackHole = true;
        return this;
    }

    public List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        if (blackHole) {
            try {
                never.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        String id = headers.get("webhook-id");
        String delivery = id + " " + exchange.getRequestURI().getPath();
        boolean tracked = id != null && inFlight.add(delivery);
        if (id != null && !tracked) {
            overlaps.incrementAndGet();
        }
        try {
            answer(exchange, headers, body);
        } finally {
            if (tracked) {
                inFlight.remove(delivery);
            }
        }
    }

    private void answer(HttpExchange exchange, Map<String, String> headers, byte[] body) throws IOException {
        if (answerDelayMillis > 0) {
            try {
                Thread.sleep(answerDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Answer answer = script.poll();
        if (answer == null) {
            answer = new Answer(defaultStatus, Map.of());
        }
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body,
                answer.status()));
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] reply = ("{\"status\":" + answer.status() + "}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply);
        }
    }

    @Override
    public void close() {
        never.countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
