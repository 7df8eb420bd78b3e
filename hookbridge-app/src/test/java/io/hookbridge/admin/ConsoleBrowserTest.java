package io.hookbridge.admin;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.hookbridge.testing.Gateway;
import io.hookbridge.testing.Http;
import io.hookbridge.testing.Receiver;
import io.hookbridge.testing.RouteFiles;
import io.hookbridge.testing.Signatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console in a real browser (Debian's headless chromium through its chromedriver, as {@code .ci/run}
 * installs them): sign in, list and filter events, live updates, an event's headers, body and failing attempts, replay
 * and the new attempt, pause and resume, the read-only token refused on replay, and hostile event text kept inert.
 * Screenshots of the main pages go to {@code target/console/}.
 */
class ConsoleBrowserTest {

    static final String SECRET = "console-secret";
    static final String ADMIN = "admin-token";
    static final String READER = "read-token";
    static final String XSS_TYPE = "<img src=x onerror=\"window.__xss='type'\">";
    static final String XSS_BODY = "{\"note\":\"<script>window.__xss='body'</script><img src=x onerror=window.__xss='img'>\"}";
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    static Receiver good;
    static Receiver failing;
    static Gateway gateway;
    static WebDriver browser;
    static String console;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("Debian's chromium and chromium-driver (.ci/run installs them)").isTrue();
        good = new Receiver();
        failing = new Receiver().always(500);
        int adminPort = Gateway.freePort();
        gateway = Gateway.start(dir.resolve("data"), RouteFiles.write(dir.resolve("routes.yaml"),
                RouteFiles.githubIn("/webhooks/github", SECRET, "github"),
                RouteFiles.webhookOut("to-good", "github", good.url("/good")),
                RouteFiles.withInboxOptions(RouteFiles.webhookOut("to-failing", "github", failing.url("/failing")),
                        "retrySchedule=1h")),
                Map.of("camel.management.enabled", "true", "camel.management.host", "127.0.0.1",
                        "camel.management.port", Integer.toString(adminPort),
                        "hookbridge.admin.token", ADMIN, "hookbridge.admin.read-token", READER,
                        "hookbridge.egress.allow", "127.0.0.1/32"));
        console = "http://127.0.0.1:" + adminPort + "/console/";
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build(), options);
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        for (Receiver r : new Receiver[] { good, failing }) {
            if (r != null) {
                r.close();
            }
        }
    }

    static String push(String type, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var response = gateway.post("/webhooks/github", bytes,
                Signatures.githubHeaders(SECRET, type, UUID.randomUUID().toString(), bytes));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Http.eventId(response);
    }

    static void signIn(String token) {
        browser.get(console + "#/events");
        if (!browser.findElements(By.id("logout")).isEmpty()) {
            browser.findElement(By.id("logout")).click();
        }
        WebElement input = browser.findElement(By.id("token"));
        assertThat(input.isDisplayed()).as("the page asks for a token").isTrue();
        input.sendKeys(token);
        input.submit();
        browser.findElement(By.id("events"));
    }

    static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    static void screenshot(String name) throws Exception {
        Path out = Files.createDirectories(Path.of("target", "console")).resolve(name + ".png");
        Files.write(out, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    static void awaitText(By by, String text) {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .untilAsserted(() -> assertThat(browser.findElement(by).getText()).contains(text));
    }

    @Test
    void anOperatorFindsAFailingDeliveryReplaysItAndPausesASubscription() throws Exception {
        String push = push("push", "{\"ref\":\"refs/heads/main\",\"commits\":[{\"id\":\"c0ffee\"}]}");
        String issue = push("issues", "{\"action\":\"opened\",\"issue\":{\"number\":7}}");
        await().atMost(Duration.ofSeconds(15)).until(() -> good.requests().size() >= 2 && failing.requests().size() >= 2);

        // signed in with the admin token (the page asks for it: one is set)
        signIn(ADMIN);
        awaitText(By.id("events"), push);
        assertThat(browser.findElement(By.id("events")).getText()).contains(issue);
        screenshot("events");

        // filter by type: only the push
        browser.findElement(By.id("f-type")).sendKeys("push");
        browser.findElement(By.id("filters")).submit();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser.findElement(By.id("events"))
                .getText()).contains(push).doesNotContain(issue));
        assertThat(browser.getCurrentUrl()).as("a shareable URL").contains("#/events?type=push");

        // live: a new event shows up without a reload
        browser.get(console + "#/events");
        browser.findElement(By.id("events"));
        String later = push("push", "{\"ref\":\"refs/heads/live\"}");
        awaitText(By.id("events"), later);

        // the event page: deliveries, the failing attempt's status, headers without the signature, the body
        browser.findElement(By.linkText(push)).click();
        awaitText(By.cssSelector("tr[data-subscription='to-failing']"), "retrying");
        assertThat(browser.findElement(By.id("headers")).getText()).containsIgnoringCase("X-GitHub-Event")
                .doesNotContainIgnoringCase("X-Hub-Signature");
        assertThat(browser.findElement(By.id("body")).getText()).contains("\"ref\": \"refs/heads/main\"");
        browser.findElement(By.cssSelector("tr[data-subscription='to-failing'] .show-attempts")).click();
        awaitText(By.id("attempt-log"), "500");
        screenshot("event");

        // replay the failing delivery once the destination is back: a second attempt, delivered
        failing.always(200);
        browser.findElement(By.cssSelector("tr[data-subscription='to-failing'] .replay")).click();
        browser.switchTo().alert().accept();
        awaitText(By.id("banner"), "Replayed to to-failing");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            browser.navigate().refresh();
            assertThat(browser.findElement(By.cssSelector("tr[data-subscription='to-failing']")).getText())
                    .contains("delivered");
        });
        browser.findElement(By.cssSelector("tr[data-subscription='to-failing'] .show-attempts")).click();
        awaitText(By.id("attempt-log"), "200");
        assertThat(browser.findElements(By.cssSelector("#attempt-log tbody tr"))).hasSize(2);

        // the overview: the last hour's counts and charts; success rates beside the subscriptions
        browser.get(console + "#/overview");
        awaitText(By.id("totals"), "Events accepted, last hour");
        assertThat(browser.findElement(By.id("totals")).getText()).containsPattern("Events accepted, last hour\\s+[3-9]");
        assertThat(browser.findElements(By.cssSelector("#rates polyline"))).hasSize(3);
        assertThat(browser.findElement(By.id("totals")).getText()).containsPattern("Store\\s+up");
        screenshot("overview");

        // pause and resume a subscription
        browser.get(console + "#/subscriptions");
        awaitText(By.cssSelector("tr[data-subscription='to-good'] .success-rate"), "100 % of");
        browser.findElement(By.cssSelector("tr[data-subscription='to-good'] .pause")).click();
        browser.switchTo().alert().accept();
        awaitText(By.cssSelector("tr[data-subscription='to-good']"), "paused");
        screenshot("subscriptions");
        browser.findElement(By.cssSelector("tr[data-subscription='to-good'] .resume")).click();
        awaitText(By.cssSelector("tr[data-subscription='to-good']"), "active");
    }

    @Test
    void theReadOnlyTokenSeesEverythingButCannotReplay() throws Exception {
        String id = push("push", "{\"ref\":\"refs/heads/read-only\"}");
        signIn(READER);
        awaitText(By.id("events"), id);

        browser.findElement(By.linkText(id)).click();
        browser.findElement(By.id("replay-event")).click();
        browser.switchTo().alert().accept();

        awaitText(By.id("banner"), "this token may only read");
        assertThat(browser.findElement(By.cssSelector("tr[data-subscription='to-good']")).getText()).contains("delivered");
        browser.get(console + "#/subscriptions");
        browser.findElement(By.cssSelector("tr[data-subscription='to-good'] .pause")).click();
        browser.switchTo().alert().accept();
        awaitText(By.id("banner"), "this token may only read");
        assertThat(browser.findElement(By.cssSelector("tr[data-subscription='to-good']")).getText()).contains("active");
    }

    @Test
    void hostileEventTypesAndBodiesStayText() throws Exception {
        String id = push(XSS_TYPE, XSS_BODY);
        signIn(ADMIN);

        awaitText(By.id("events"), XSS_TYPE);
        browser.findElement(By.linkText(id)).click();
        awaitText(By.id("body"), "<script>window.__xss='body'</script>");
        assertThat(browser.findElement(By.cssSelector("dl.facts")).getText()).contains(XSS_TYPE);
        browser.findElement(By.id("raw")).click();
        assertThat(browser.findElement(By.id("body")).getText()).contains("onerror=window.__xss='img'");

        assertThat(script("return window.__xss === undefined")).as("no payload ran").isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector("main img, main script"))).isEmpty();
    }

    @Test
    void theApiPageListsTheOperations() {
        signIn(READER);
        browser.get(console + "#/api");

        awaitText(By.tagName("main"), "/admin/deliveries/replay");
        assertThat(List.of(browser.findElement(By.tagName("main")).getText().split("\n")))
                .anyMatch(line -> line.contains("POST") && line.contains("/admin/events/{id}/replay"));
    }
}
