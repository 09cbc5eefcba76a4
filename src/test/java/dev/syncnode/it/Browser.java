package dev.syncnode.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.OutputType;
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
            "--window-size=1280,1100", "--user-data-dir=" + profile.toAbsolutePath());
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

  /**
   * Runs {@code js} in the page. Reads go through here rather than through element handles: the page
   * rebuilds its tables on every poll, and one script call sees one consistent DOM.
   */
  public Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** The attribute of the first element matching {@code css}, or null when there is none. */
  public String attribute(String css, String name) {
    return (String) script("const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);",
        css, name);
  }

  /** The text of the first element matching {@code css} as shown, or null when there is none. */
  public String text(String css) {
    return (String) script("const e = document.querySelector(arguments[0]); return e && e.innerText.trim();", css);
  }

  /** The shown texts of every element matching {@code css}. */
  @SuppressWarnings("unchecked")
  public List<String> texts(String css) {
    return (List<String>) script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim());", css);
  }

  public boolean present(String css) {
    return Boolean.TRUE.equals(script("return document.querySelector(arguments[0]) !== null;", css));
  }

  /** Present and rendered (not hidden, nor inside something hidden). */
  public boolean visible(String css) {
    return Boolean.TRUE.equals(script(
        "const e = document.querySelector(arguments[0]); return e !== null && e.getClientRects().length > 0;", css));
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
