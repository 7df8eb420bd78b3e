package io.hookbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination on 127.0.0.1 that misbehaves at the TCP and HTTP level, the way no well-behaved HTTP server can:
 * resets connections, never ends its answer, sends a gigabyte, or never accepts connections at all.
 */
public final class FaultyDestination implements AutoCloseable {

    public enum Fault {
        /** Reads the request, then resets the connection (RST) without answering. */
        RESET,
        /** Answers 200 with a chunked body that never ends: one byte every 50 ms. */
        ENDLESS_BODY,
        /** Answers 200 with a 1 GB body, as fast as it can. */
        HUGE_BODY,
        /** Never accepts: its accept queue is full, so connections time out. */
        NO_ACCEPT
    }

    private final ServerSocket server;
    private final Fault fault;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public FaultyDestination(Fault fault) throws IOException {
        this.fault = fault;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        if (fault == Fault.NO_ACCEPT) {
            // fill the accept queue until connecting times out: from then on, connection attempts get no answer
            try {
                for (int i = 0; i < 16; i++) {
                    Socket s = new Socket();
                    held.add(s);
                    s.connect(server.getLocalSocketAddress(), 200);
                }
                throw new IllegalStateException("the accept queue does not fill up on this system");
            } catch (SocketTimeoutException full) {
                // as intended
            }
        } else {
            Thread t = new Thread(this::serve, "faulty-destination");
            t.setDaemon(true);
            t.start();
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void serve() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                held.add(socket);
                Thread t = new Thread(() -> handle(socket), "faulty-destination-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            readRequestHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            switch (fault) {
                case RESET -> socket.setSoLinger(true, 0);
                case ENDLESS_BODY -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                    while (!closed) {
                        out.write(ascii("1\r\nx\r\n"));
                        out.flush();
                        Thread.sleep(50);
                    }
                }
                case HUGE_BODY -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"));
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 16384 && !closed; i++) {
                        out.write(chunk);
                    }
                }
                default -> throw new IllegalStateException();
            }
        } catch (IOException | InterruptedException gone) {
            // the gateway hung up: what this destination is for
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = ascii("\r\n\r\n");
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
