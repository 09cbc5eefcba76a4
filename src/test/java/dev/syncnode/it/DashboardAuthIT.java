package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The dashboard of a master with {@code auth.token} set, in a real headless Chromium: the shell loads,
 * the data calls are refused until the token form is filled in, then the data shows; a wrong token
 * brings the form back.
 */
class DashboardAuthIT {
  static final String TOKEN = "dashboard-secret-token";

  @TempDir static Path tmp;
  static Cluster nodes;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Trees.write(ws.resolve("guarded"), "main.py", "print('hi')\n");
    nodes = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")),
        c -> c.withAuth(new NodeConfig.Auth(TOKEN)));
    browser = new Browser("dashboard-auth");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (nodes != null) {
        nodes.close();
      }
    }
  }

  void login(String token) {
    browser.until("the token form", d -> browser.visible("#login"));
    browser.driver.findElement(By.id("token")).sendKeys(token);
    browser.driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  @Test
  void tokenFormFirstThenTheData() {
    browser.open(nodes.masterHttpUrl() + "/");
    browser.until("the token form", d -> browser.visible("#login"));
    assertFalse(browser.visible("#main"), "no data view without the token");
    assertFalse(browser.present("#spiders tr[data-spider]"), "no data without the token");

    login("wrong-token");
    browser.until("the refusal", d -> browser.visible("#login-error"));
    assertTrue(browser.visible("#login"));

    login(TOKEN);
    browser.until("the spider", d -> browser.present("#spiders tr[data-spider='guarded']"));
    assertTrue(browser.visible("#main"));
    assertFalse(browser.visible("#login"));
    assertEquals(TOKEN, browser.script("return sessionStorage.getItem('syncnode.token');"));
  }
}
