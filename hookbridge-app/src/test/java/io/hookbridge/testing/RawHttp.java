package io.hookbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client that sends exactly the bytes it is given - malformed request lines, impossible headers, bodies
 * that lie about their length - and reads whatever comes back.
 */
public final class RawHttp {

    /** The answer: status (0 if none came), lower-cased headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    public static Answer send(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before it has read everything (413, 431): read its answer
            }
            return read(socket.getInputStream());
        }
    }

    /** A request with the given request line, headers (in order, as written) and body. */
    public static byte[] request(String requestLine, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        long contentLength = -1;
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                bytes.write(buffer, 0, n);
                if (headEnd < 0) {
                    headEnd = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
                    if (headEnd >= 0) {
                        contentLength = contentLength(bytes.toString(StandardCharsets.ISO_8859_1).substring(0, headEnd));
                    }
                }
                if (headEnd >= 0 && contentLength >= 0 && bytes.size() >= headEnd + 4 + contentLength) {
                    break;
                }
            }
        } catch (SocketTimeoutException | SocketException endOfAnswer) {
            // what came is the answer
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/")) {
            return new Answer(0, Map.of(), text);
        }
        int end = text.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, end < 0 ? "" : text.substring(end + 4));
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked") ? -1 : 0;
    }
}
