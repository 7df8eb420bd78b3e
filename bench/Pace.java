import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator at a fixed rate, what wrk2 does (wrk's per-connection delay() only spaces requests after
 * each answer, so its rate drifts with the latency). Request i is due at start + i / rate whatever the answers do, and
 * its latency counts from that due time: a stall shows up as the wait it causes every request behind it (no
 * coordinated omission). Requests are bench/github.lua's: the 1 KB body of $BODY, signed with the GitHub secret, a
 * unique X-GitHub-Delivery each (without --secret, plain.lua's unsigned POST), over keep-alive HTTP/1.1 connections,
 * one request at a time on each. Plain JDK: one thread sends on time (parkNanos, ~0.1 ms late at most), one reads all
 * answers (a selector), with prebuilt request bytes, so that it costs the machine about what wrk costs: on two cores
 * the load generator's CPU is taken from the server under test.
 *
 *   java bench/Pace.java --url URL --rate N --duration S [--warmup S] [--connections N] [--secret S] [--run-id ID]
 *        [--mark URL] [--watch-pid PID --clk-tck N]
 *
 * --warmup: that many seconds at the same rate before the measured window, not counted.
 * --connections: at most that many requests outstanding (64); more wait for a connection, their latency running.
 * --mark: POST URL/start when the measured window starts and URL/end when it ends (bench/Receiver.java).
 * --watch-pid: the server's process (Linux): its CPU over the measured window (utime + stime + children's, from
 *   /proc/PID/stat, in % of one core; clock ticks per second from getconf CLK_TCK), threads and resident memory sampled
 *   every second of the window (/proc/PID/status), printed as cpu_pct, threads_min/max, rss_max_mb, hwm_mb.
 * Prints one line: RESULT rps=… p50_ms=… p99_ms=… p999_ms=… requests=… non2xx=… socket_errors=… offered=…
 *   accepted_total=… (2xx, warm-up included) end_ms=… (when the last request was due, epoch ms) [and --watch-pid's]
 */
public class Pace {

    private static final long TIMEOUT_NANOS = 10_000_000_000L;
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One keep-alive connection, one request at a time. */
    static final class Connection {
        SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        volatile long index = -1; // the request on the wire, -1 when idle
        volatile long sentAt;
    }

    private final InetSocketAddress address;
    private final Selector selector;
    private final byte[] head;   // request line and headers up to the delivery id (or the whole head, unsigned)
    private final byte[] tail;   // the rest of the headers and the body
    private final boolean signed;
    private final String runId;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final long start;
    private final double nanosPerRequest;
    private final long warmupRequests;
    private final long[] latencies;
    private long nonOk, socketErrors, accepted;
    private final AtomicLong done = new AtomicLong();
    private volatile Thread sender;

    Pace(URI uri, String secret, String runId, byte[] body, long start, double rate, long warmupRequests,
         long measuredRequests) throws Exception {
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.selector = Selector.open();
        this.signed = secret != null;
        this.runId = runId;
        this.start = start;
        this.nanosPerRequest = 1e9 / rate;
        this.warmupRequests = warmupRequests;
        this.latencies = new long[(int) measuredRequests];
        StringBuilder h = new StringBuilder("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\nHost: ")
                .append(uri.getHost()).append(':').append(uri.getPort())
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        if (signed) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            h.append("X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=")
                    .append(HexFormat.of().formatHex(mac.doFinal(body))).append("\r\nX-GitHub-Delivery: ");
        }
        head = h.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] end = ((signed ? "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        tail = new byte[end.length + body.length];
        System.arraycopy(end, 0, tail, 0, end.length);
        System.arraycopy(body, 0, tail, end.length, body.length);
    }

    long due(long index) {
        return start + (long) (index * nanosPerRequest);
    }

    void open(Connection c) throws IOException {
        c.channel = SocketChannel.open(address);
        c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.channel.configureBlocking(false);
        c.in.clear();
        c.channel.register(selector, SelectionKey.OP_READ, c);
        selector.wakeup();
    }

    /** On the sender thread: the whole request (it fits the socket buffer unless the server stopped reading). */
    void send(Connection c, long index) throws IOException {
        byte[] id = signed ? (runId + "-" + index).getBytes(StandardCharsets.US_ASCII) : new byte[0];
        ByteBuffer out = ByteBuffer.allocate(head.length + id.length + tail.length);
        out.put(head).put(id).put(tail).flip();
        c.sentAt = System.nanoTime();
        c.index = index;
        synchronized (c) {
            while (out.hasRemaining()) {
                if (c.channel.write(out) == 0) {
                    if (System.nanoTime() - c.sentAt > TIMEOUT_NANOS) {
                        throw new IOException("write timed out");
                    }
                    LockSupport.parkNanos(100_000);
                }
            }
        }
    }

    synchronized void finish(Connection c, int status, boolean failed) {
        long index = c.index;
        if (index < 0) {
            return;
        }
        long latency = System.nanoTime() - due(index);
        if (failed) {
            socketErrors++;
        } else if (status / 100 != 2) {
            nonOk++;
        } else {
            accepted++;
        }
        if (index >= warmupRequests) {
            latencies[(int) (index - warmupRequests)] = latency;
        }
        c.index = -1;
        done.incrementAndGet();
    }

    /** A broken or timed-out connection: its request failed; a new connection takes its place. */
    void replace(Connection c) {
        boolean wasBusy = c.index >= 0;
        finish(c, 0, true);
        synchronized (c) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                open(c);
            } catch (IOException e) {
                System.err.println("cannot reconnect: " + e);
                return;
            }
        }
        if (wasBusy) {
            release(c);
        }
    }

    void release(Connection c) {
        idle.push(c);
        Thread s = sender;
        if (s != null) {
            LockSupport.unpark(s);
        }
    }

    /** The answer's status once it is complete (status line, headers, Content-Length or chunked body); -1 if not yet. */
    static int parse(ByteBuffer in) {
        byte[] a = in.array();
        int len = in.position();
        int headerEnd = indexOf(a, len, HEADER_END, 0);
        if (headerEnd < 0) {
            return -1;
        }
        String headers = new String(a, 0, headerEnd, StandardCharsets.US_ASCII).toLowerCase();
        int status = Integer.parseInt(headers.substring(9, 12));
        int bodyStart = headerEnd + 4;
        int cl = headers.indexOf("\r\ncontent-length:");
        boolean complete;
        if (cl >= 0) {
            int eol = headers.indexOf("\r\n", cl + 2);
            int length = Integer.parseInt(headers.substring(cl + 17, eol < 0 ? headers.length() : eol).trim());
            complete = len >= bodyStart + length;
        } else if (headers.contains("\r\ntransfer-encoding: chunked")) {
            complete = indexOf(a, len, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), bodyStart) >= 0;
        } else {
            complete = true; // no body (204)
        }
        return complete ? status : -1;
    }

    static int indexOf(byte[] a, int len, byte[] what, int from) {
        outer:
        for (int i = from; i <= len - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The reader thread: every answer, timeouts, and the watched process's samples. */
    void read(long total, long deadline, Watch watch, Connection[] all) {
        long lastSample = 0, lastCheck = 0;
        try {
            while (done.get() < total && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    try {
                        if (!key.isValid() || !key.isReadable()) {
                            continue;
                        }
                        if (c.channel.read(c.in) < 0) {
                            replace(c);
                            continue;
                        }
                        int status = parse(c.in);
                        if (status >= 0) {
                            c.in.clear(); // one request at a time: nothing follows the answer
                            finish(c, status, false);
                            release(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        replace(c);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - lastSample > 1_000_000_000L) {
                    lastSample = now;
                    watch.sample();
                }
                if (now - lastCheck > 100_000_000L) {
                    lastCheck = now;
                    for (Connection c : all) {
                        if (c.index >= 0 && now - c.sentAt > TIMEOUT_NANOS) {
                            replace(c);
                        }
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("reader failed: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = null, secret = null, runId = Long.toString(System.nanoTime()), mark = null;
        double rate = 1000, duration = 10, warmup = 0;
        int connections = 64;
        long watchPid = -1, clkTck = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--secret" -> secret = args[++i];
                case "--run-id" -> runId = args[++i];
                case "--mark" -> mark = args[++i];
                case "--watch-pid" -> watchPid = Long.parseLong(args[++i]);
                case "--clk-tck" -> clkTck = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String bodyText = System.getenv("BODY");
        byte[] body = (bodyText == null ? "{}" : bodyText).getBytes(StandardCharsets.UTF_8);
        long warmupRequests = (long) (warmup * rate);
        long measuredRequests = (long) (duration * rate);
        long total = warmupRequests + measuredRequests;
        long start = System.nanoTime() + 300_000_000L; // time to open the connections
        long startMillis = System.currentTimeMillis() + 300;
        Pace pace = new Pace(URI.create(url), secret, runId, body, start, rate, warmupRequests, measuredRequests);
        pace.sender = Thread.currentThread();
        Connection[] all = new Connection[connections];
        for (int i = 0; i < connections; i++) {
            all[i] = new Connection();
            pace.open(all[i]);
            pace.idle.push(all[i]);
        }
        Watch watch = new Watch(watchPid);
        HttpClient markClient = mark == null ? null : HttpClient.newHttpClient();
        long deadline = start + (long) ((warmup + duration + 30) * 1e9);
        Thread reader = new Thread(() -> pace.read(total, deadline, watch, all), "reader");
        reader.start();

        // the sender: each request at its due time, on the first idle connection
        boolean windowStarted = false;
        long next = 0;
        while (next < total && System.nanoTime() < deadline) {
            long wait = pace.due(next) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (!windowStarted && next >= warmupRequests) {
                windowStarted = true;
                watch.start();
                post(markClient, mark, "/start");
            }
            Connection c = pace.idle.poll();
            if (c == null) {
                LockSupport.parkNanos(1_000_000); // all busy: until one is released (unpark) or 1 ms
                continue;
            }
            try {
                pace.send(c, next++);
            } catch (IOException e) {
                pace.replace(c);
            }
        }
        watch.end();
        post(markClient, mark, "/end");
        reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        long incomplete = total - pace.done.get();
        long[] measured;
        synchronized (pace) {
            measured = Arrays.copyOf(pace.latencies, pace.latencies.length);
        }
        Arrays.sort(measured);
        long endMillis = startMillis + (long) ((total - 1) * pace.nanosPerRequest / 1e6);
        System.out.printf("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f requests=%d non2xx=%d socket_errors=%d"
                        + " offered=%.0f accepted_total=%d end_ms=%d%s%s%n",
                (measuredRequests - Math.min(incomplete, measuredRequests)) / duration, pick(measured, 50),
                pick(measured, 99), pick(measured, 99.9), measuredRequests, pace.nonOk, pace.socketErrors + incomplete,
                rate, pace.accepted, endMillis, incomplete == 0 ? "" : " incomplete=" + incomplete,
                watch.report(clkTck));
        Thread.sleep(200); // the /end mark on its way
        System.exit(0);
    }

    private static void post(HttpClient client, String base, String path) {
        if (client != null) {
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    private static double pick(long[] sortedNanos, double percentile) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    /** The server's CPU, threads and memory over the measured window, from /proc (Linux). */
    static final class Watch {
        final long pid;
        boolean inWindow;
        long startNanos, endNanos, startTicks, endTicks;
        int threadsMin = Integer.MAX_VALUE, threadsMax, rssMaxKb;

        Watch(long pid) {
            this.pid = pid;
        }

        synchronized void start() {
            if (pid > 0) {
                startTicks = ticks();
                startNanos = System.nanoTime();
                inWindow = true;
                sample();
            }
        }

        synchronized void end() {
            if (pid > 0 && inWindow) {
                sample();
                endTicks = ticks();
                endNanos = System.nanoTime();
                inWindow = false;
            }
        }

        synchronized void sample() {
            if (!inWindow) {
                return;
            }
            int threads = (int) status("Threads:");
            threadsMin = Math.min(threadsMin, threads);
            threadsMax = Math.max(threadsMax, threads);
            rssMaxKb = (int) Math.max(rssMaxKb, status("VmRSS:"));
        }

        long ticks() {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after the command: state is f[0]; utime, stime, cutime, cstime are fields 14-17 of the file
                return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            } catch (Exception e) {
                return 0;
            }
        }

        long status(String key) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (Exception e) {
                // gone
            }
            return 0;
        }

        synchronized String report(long clkTck) {
            if (pid <= 0 || endNanos == 0) {
                return "";
            }
            double seconds = (endNanos - startNanos) / 1e9;
            return String.format(" cpu_pct=%.0f threads_min=%d threads_max=%d rss_max_mb=%d hwm_mb=%d",
                    (endTicks - startTicks) / (double) clkTck / seconds * 100, threadsMin, threadsMax,
                    rssMaxKb / 1024, status("VmHWM:") / 1024);
        }
    }
}
