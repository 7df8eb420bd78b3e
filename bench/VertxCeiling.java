import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/**
 * The ceiling of the benchmark: a bare Vert.x HTTP server (the same Vert.x as inside the gateway) that reads the
 * request body and answers 202 {"ok":true}. Nothing can be faster on this stack, so the other cases are shown as a
 * fraction of it. One server instance per core, as Vert.x recommends, so it uses every event loop.
 *   java -cp target/hookbridge.jar bench/VertxCeiling.java [port, default 18101]
 */
public class VertxCeiling {

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18101;
        int instances = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer()
                        .requestHandler(request -> request.body().onComplete(body -> request.response()
                                .setStatusCode(202)
                                .putHeader("Content-Type", "application/json")
                                .end("{\"ok\":true}")))
                        .listen(port, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(instances)).onComplete(done -> {
            if (done.failed()) {
                done.cause().printStackTrace();
                System.exit(1);
            }
            System.out.println("ceiling listening on 127.0.0.1:" + port + " with " + instances + " event loops");
        });
    }
}
