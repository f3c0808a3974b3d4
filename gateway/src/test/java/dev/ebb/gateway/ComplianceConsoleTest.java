package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.SignedJson;
import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The compliance console in a real browser (issue 16, "tests that prove it"): Debian's chromium driven by Selenium
 * against a whole gateway with traffic sent over SMPP. Officer 1 opens a request over the four-eyes threshold and
 * sees it wait; a request without a case reference and officer 1's own approval are refused with the API's words next
 * to the field and the button; officer 2 approves; officer 1 downloads the signed delivery and the console verifies
 * it (and catches a changed copy); the auditor finds every step in the audit log, the chain whole and the store
 * intact. A screenshot of each page goes to {@code target/console-screenshots/}.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them); without
 * them it is skipped, saying so. Selenium Manager never runs: the driver and the browser are named.
 */
class ComplianceConsoleTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String SECOND_OFFICER_TOKEN = "test-second-officer-token";
    private static final String CASE = "2026-117";
    private static final String TO = "+4790000071";
    /** One message leaves four records or so; over two needs a second officer. */
    private static final int THRESHOLD = 2;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.startedWith(dir -> TestGateway.builder(dir, TestGateway.freePort(),
            true).compliance(ComplianceConsoleTest::twoOfficers).build());
    @TempDir
    Path downloads;
    private final ObjectMapper json = new ObjectMapper();
    private WebDriver browser;
    private WebDriverWait wait;
    private int shot;
    /** Names the test's screenshots apart from the other test's. */
    private String series;

    private static ComplianceConfig twoOfficers(ComplianceConfig c) {
        List<ApiTokenConfig> tokens = new ArrayList<>(c.tokens());
        tokens.add(new ApiTokenConfig("officer-2", TokenTable.hashOf(SECOND_OFFICER_TOKEN), "compliance-officer"));
        return new ComplianceConfig(c.host(), c.port(), tokens, c.maxRecordsPerPage(), THRESHOLD, c.tlsCertFile(),
                c.tlsKeyFile(), c.maxBodyBytes(), c.providerId(), c.fourEyesWindow(), c.limits());
    }

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "ComplianceConsoleTest skipped: no " + CHROMIUM
                + "; install the Debian packages chromium and chromium-driver (.ci/run does)");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "ComplianceConsoleTest skipped: no " + CHROMEDRIVER
                + "; install the Debian package chromium-driver (.ci/run does)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100",
                "--lang=en-GB");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void twoOfficersAndAnAuditorCarryARequestThroughTheConsole() throws Exception {
        series = "workflow";
        sendOverSmppAndAwaitTheReceipt();
        browser.get(gateway.compliance("/console/").toString());
        screenshot("sign-in");

        // Officer 1 opens a request; the gateway's own validation speaks next to the field it names.
        signIn(TestGateway.OFFICER_TOKEN, "officer");
        navigate("Open a request");
        fill("new-legal", "court order 12/2026");
        localTime("new-start", -3_600_000);
        localTime("new-end", 3_600_000);
        fill("new-value", TO);
        browser.findElement(By.cssSelector("#new-form button[type=submit]")).click();
        WebElement referenceError = visibleText("new-reference-error");
        assertThat(referenceError.getText()).isEqualTo("caseReference is required");
        assertThat(browser.findElement(By.id("new-reference")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("new-reference");
        screenshot("missing-case-reference");

        fill("new-reference", CASE);
        browser.findElement(By.cssSelector("#new-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("request-state"), "Awaiting approval"));
        assertThat(browser.findElement(By.id("request-hint")).getText()).contains("a second compliance officer");
        WebElement opened = browser.findElement(By.cssSelector("#request-details time"));
        assertThat(opened.getAttribute("title")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        String requestUrl = browser.getCurrentUrl();
        screenshot("request-awaiting-approval");

        browser.findElement(By.id("approve")).click();
        WebElement refused = visibleText("request-error");
        assertThat(refused.getText()).contains("self-approval is refused: a second officer must approve request");
        assertThat(browser.findElement(By.id("request-state")).getText()).isEqualTo("Awaiting approval");
        screenshot("self-approval-refused");
        signOut();

        // Officer 2 finds it in the list and approves it.
        signIn(SECOND_OFFICER_TOKEN, "officer-2");
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText(CASE))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("approve"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("request-state"), "Awaiting disclosure"));
        assertThat(browser.findElement(By.id("request-details")).getText()).contains("approved by officer-2");
        screenshot("approved-by-second-officer");
        signOut();

        // Officer 1 downloads the signed delivery, named after the case, and the console verifies it.
        signIn(TestGateway.OFFICER_TOKEN, "officer");
        browser.get(requestUrl);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("download-delivery"))).click();
        Path delivery = downloads.resolve("case-" + CASE + "-delivery-page-1.json");
        Await.until("the delivery is downloaded", Duration.ofSeconds(10), () -> Files.exists(delivery)
                && delivery.toFile().length() > 0);
        JsonNode document = json.readTree(delivery.toFile());
        assertThat(SignedJson.verifies(document, DeliverySigner.inDataDir(gateway.dataDir()).publicKey())).isTrue();
        assertThat(document.at("/payload/records")).isNotEmpty();
        wait.until(ExpectedConditions.textToBe(By.id("request-state"), "Disclosed"));
        screenshot("delivered");

        navigate("Verify a file");
        assertThat(verify(delivery)).isEqualTo("Verified: this file is exactly what this gateway signed.");
        assertThat(browser.findElement(By.id("verify-result")).getText()).contains("page 1 of the delivery of request",
                "for case " + CASE);
        screenshot("verified");
        ObjectNode changed = document.deepCopy();
        ((ObjectNode) changed.at("/payload/records/0/smsRecipient")).put("address", "+4790000099");
        Path forged = downloads.resolve("changed.json");
        Files.writeString(forged, json.writeValueAsString(changed), StandardCharsets.UTF_8);
        assertThat(verify(forged)).isEqualTo("Not valid: the file has been changed since it was signed.");
        screenshot("changed-file-caught");

        // The export package (inclusion proofs, the audit entry, nulls and all) verifies the same way.
        browser.get(requestUrl);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("download-export"))).click();
        Path export = downloads.resolve("case-" + CASE + "-export-page-1.json");
        Await.until("the export package is downloaded", Duration.ofSeconds(10), () -> Files.exists(export)
                && export.toFile().length() > 0);
        navigate("Verify a file");
        assertThat(verify(export)).isEqualTo("Verified: this file is exactly what this gateway signed.");
        signOut();

        // The auditor sees every step, the refusals included, and checks the chain and the store.
        signIn(TestGateway.AUDITOR_TOKEN, "auditor");
        fill("audit-case", CASE);
        browser.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
        List<String> ofCase = auditRows(5, CASE, "REQUEST_DELIVER");
        assertThat(ofCase).anyMatch(r -> r.startsWith("REQUEST_CREATE COMPLETED officer "))
                .anyMatch(r -> r.startsWith("REQUEST_APPROVE REFUSED officer ") && r.contains("self-approval"))
                .anyMatch(r -> r.startsWith("REQUEST_APPROVE COMPLETED officer-2 "))
                .anyMatch(r -> r.startsWith("REQUEST_DELIVER COMPLETED officer "));
        screenshot("audit-log-of-the-case");
        fill("audit-case", "");
        fill("audit-actor", "officer");
        browser.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
        List<String> ofOfficer = auditRows(4, "officer (", "READ_DELIVERY_KEY");
        assertThat(ofOfficer).anyMatch(r -> r.startsWith("REQUEST_CREATE REFUSED officer ")
                && r.contains("caseReference is required"));

        navigate("Checks");
        browser.findElement(By.id("chain-verify")).click();
        assertThat(visibleText("chain-verdict").getText()).startsWith("The chain is whole: all ");
        browser.findElement(By.cssSelector("#integrity-form button[type=submit]")).click();
        assertThat(visibleText("integrity-verdict").getText()).startsWith("Intact: ");
        screenshot("checks");
        signOut();
    }

    /**
     * Fifteen minutes without activity forget the token. The browser's timers run on virtual time (the DevTools
     * protocol's Emulation.setVirtualTimePolicy), so the test advances the page's clock instead of waiting.
     */
    @Test
    void fifteenIdleMinutesSignTheOfficerOut() throws Exception {
        series = "idle";
        browser.get(gateway.compliance("/console/").toString());
        signIn(TestGateway.OFFICER_TOKEN, "officer");
        ChromeDriver chrome = (ChromeDriver) browser;
        long start = pageClock();

        chrome.executeCdpCommand("Emulation.setVirtualTimePolicy", Map.of("policy", "advance",
                "budget", Duration.ofMinutes(14).toMillis()));
        wait.until(d -> pageClock() - start >= Duration.ofMinutes(14).toMillis());
        assertThat(browser.findElement(By.id("who")).getText()).startsWith("Signed in as officer");
        chrome.executeCdpCommand("Emulation.setVirtualTimePolicy", Map.of("policy", "advance",
                "budget", Duration.ofMinutes(2).toMillis()));

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));
        assertThat(browser.findElement(By.id("status")).getText())
                .isEqualTo("You were signed out after 15 minutes without activity.");
        assertThat(browser.findElement(By.id("who")).getText()).isEmpty();
        screenshot("signed-out");
    }

    /** The page's own clock, which virtual time moves. */
    private long pageClock() {
        return ((Number) ((JavascriptExecutor) browser).executeScript("return Date.now()")).longValue();
    }

    private void sendOverSmppAndAwaitTheReceipt() throws Exception {
        EsmeClient esme = gateway.esme();
        String id = esme.submit(TO, "hello", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the forwarded receipt is recorded", Duration.ofSeconds(20),
                () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
        assertThat(gateway.eventsOf(id).size()).isGreaterThan(THRESHOLD);
    }

    private void signIn(String token, String tokenId) {
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#signin-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as " + tokenId + " "));
    }

    /** Signs out, and checks that the token is gone from the page and nothing of it was stored. */
    private void signOut() {
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));
        assertThat(browser.findElement(By.id("signin-token")).getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
        Object stored = ((JavascriptExecutor) browser).executeScript(
                "return localStorage.length + sessionStorage.length + document.cookie.length");
        assertThat(((Number) stored).intValue()).isZero();
    }

    private void navigate(String link) {
        browser.findElement(By.linkText(link)).click();
    }

    private void fill(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    /** Sets a datetime-local field to the browser's local time now plus {@code offsetMillis}. */
    private void localTime(String id, long offsetMillis) {
        ((JavascriptExecutor) browser).executeScript("const d = new Date(Date.now() + arguments[1]);"
                + " const p = (n) => String(n).padStart(2, '0');"
                + " arguments[0].value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T`"
                + " + `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;",
                browser.findElement(By.id(id)), offsetMillis);
    }

    private WebElement visibleText(String id) {
        return wait.until(d -> {
            WebElement e = d.findElement(By.id(id));
            return e.isDisplayed() && !e.getText().isBlank() ? e : null;
        });
    }

    private String verify(Path file) {
        WebElement input = browser.findElement(By.id("verify-file"));
        input.sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#verify-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-result"), file.getFileName()
                .toString()));
        return browser.findElement(By.id("verify-verdict")).getText();
    }

    /**
     * The audit table's rows as "ACTION OUTCOME actor (role) reason", once it shows only rows whose column
     * {@code column} starts with {@code filtered} and one of them is of {@code action}: the table is read in one
     * script, as it stands, since the page replaces it when an answer comes.
     */
    private List<String> auditRows(int column, String filtered, String action) {
        return wait.until(d -> {
            @SuppressWarnings("unchecked")
            List<List<String>> cells = (List<List<String>>) ((JavascriptExecutor) d).executeScript(
                    "return Array.from(document.querySelectorAll('#audit-table tbody tr'),"
                            + " tr => Array.from(tr.cells, c => c.textContent))");
            boolean shown = !cells.isEmpty() && cells.stream().allMatch(c -> c.size() == 8
                    && c.get(column).startsWith(filtered)) && cells.stream().anyMatch(c -> c.get(2).equals(action));
            return shown ? cells.stream().map(c -> c.get(2) + " " + c.get(3) + " " + c.get(4) + " " + c.get(7))
                    .toList() : null;
        });
    }

    private void screenshot(String page) throws IOException {
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SHOTS.resolve(String.format("%s-%02d-%s.png", series, ++shot, page)),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
