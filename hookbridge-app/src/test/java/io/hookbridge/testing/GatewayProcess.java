package io.hookbridge.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged gateway ({@code java -jar target/hookbridge.jar}) as a child process in a working directory. */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the jar in {@code workDir} (its routes/ and application.properties) and waits for its HTTP port. */
    public static GatewayProcess start(Path workDir, int port, Map<String, String> properties) throws Exception {
        String jar = System.getProperty("hookbridge.jar", "target/hookbridge.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dcamel.server.port=" + port, "-Dcamel.management.enabled=false",
                "-Dhookbridge.egress.allow=127.0.0.1/32"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(Path.of(jar).toAbsolutePath().toString());
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("gateway.log").toFile()))
                .start();
        GatewayProcess gateway = new GatewayProcess(p, port);
        gateway.awaitPort(Duration.ofSeconds(60));
        return gateway;
    }

    private void awaitPort(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the gateway did not open port " + port);
    }

    public int port() {
        return port;
    }

    /** kill -9: no shutdown hook, no flush, nothing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(TimeUnit.SECONDS.toMillis(20),
                    TimeUnit.MILLISECONDS)) {
                kill();
            }
        }
    }
}
