package dev.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver, for the dashboard tests. Nothing is
 * downloaded: both binaries are given by path, so Selenium Manager never runs. A test that calls
 * {@link #assumeInstalled()} is skipped (not failed) on a machine without them; {@code .ci/run}
 * installs them, so on CI it runs.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** How long a wait for the page to show something may take before the test fails. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final ChromeDriverService service;
  public final ChromeDriver driver;

  /** Skips the calling test unless both Chromium and its driver are installed. */
  public static void assumeInstalled() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
  }

  /** Starts a browser with a fresh profile in a new directory under {@code target/}. */
  public Browser(String name) throws IOException {
    // Selenium Manager is never asked (the driver is given), and would not phone home if it were
    System.setProperty("SE_AVOID_STATS", "true");
    Path dir = Files.createDirectories(Path.of("target", "browser"));
    Path profile = Files.createTempDirectory(dir, name + "-profile-");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(dir.resolve(name + "-chromedriver.log").toFile())
        .build();
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toString())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            "--window-size=1280,1000", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriver started;
    try {
      started = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
    driver = started;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Waits (polling the page, no fixed sleep) until {@code condition} answers non-null/true. */
  public <T> T until(String what, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what).until(condition);
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The attribute of the first element matching {@code css}, or null when there is none. */
  public String attribute(String css, String name) {
    List<WebElement> found = all(css);
    return found.isEmpty() ? null : found.get(0).getDomAttribute(name);
  }

  public boolean present(String css) {
    return !all(css).isEmpty();
  }

  public boolean visible(String css) {
    List<WebElement> found = all(css);
    return !found.isEmpty() && found.get(0).isDisplayed();
  }

  /** Saves what the browser shows as PNG at {@code target/<name>.png}; answers its path. */
  public Path screenshot(String name) throws IOException {
    Path out = Path.of("target", name + ".png");
    Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(shot);
    return out;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
