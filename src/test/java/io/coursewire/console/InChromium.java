package io.coursewire.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console's browser tests: Debian's headless Chromium driven by the Debian chromedriver (never a
 * downloaded one: no network here), one browser with a profile directory of its own per test class.
 * Skipped where /usr/bin/chromedriver is missing; screenshots go to target/console-screenshots/.
 */
abstract class InChromium {

    static final File DRIVER = new File("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/console-screenshots");

    static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        Assumptions.assumeTrue(DRIVER.canExecute(), "no /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // An element looked for right after a click may belong to the page still loading: wait for it a while.
        browser.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(5));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
            profile = null;
        }
    }

    /**
     * The browser at a page whose address ends so. A click or an Enter starts a navigation that the
     * driver does not always wait for: the address is read until it changes, for at most 10 s.
     */
    static void awaitUrlEnding(String suffix) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(browser.getCurrentUrl()).endsWith(suffix));
    }

    static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
