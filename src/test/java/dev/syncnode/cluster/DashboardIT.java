package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.syncnode.it.Browser;
import dev.syncnode.it.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's dashboard in a real headless Chromium, against a master and two workers in cluster
 * mode (one cluster and one browser for the class). The page is opened once per test and never
 * reloaded: what it shows after a change arrives by its own polling.
 */
class DashboardIT {
  static final String SPIDER = "shop";
  static final List<String> WORKERS = List.of("worker-1", "worker-2");

  @TempDir static Path tmp;
  static TestCluster cluster;
  static TestCluster.Node master;
  static Path spiders;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeInstalled();
    spiders = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(spiders.resolve(SPIDER));
    cluster = new TestCluster();
    master = cluster.master(spiders);
    for (String key : WORKERS) {
      cluster.worker(key, Files.createDirectories(tmp.resolve(key)));
    }
    TestCluster.await(cluster.eventually(() -> cluster.nodeKeysAsync(master).map(keys -> keys.size() == 3),
        "3 nodes in the registry"));
    // each worker holds the spider before the page opens
    for (String key : WORKERS) {
      String body = "{\"spiderId\":\"" + SPIDER + "\",\"nodeKey\":\"" + key + "\"}";
      String id = cluster.post(master, "/api/tasks", body).bodyAsJsonObject().getString("id");
      assertEquals("succeeded", cluster.awaitTask(master, id, "succeeded", "failed").getString("status"));
    }
    browser = new Browser("dashboard");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + master.httpPort() + "/";
  }

  static String row(String spider) {
    return "#spiders tr[data-spider='" + spider + "']";
  }

  static String chip(String spider, String node) {
    return row(spider) + " .chip[data-node='" + node + "']";
  }

  /**
   * The spider's row shows a digest other than {@code notDigest}, and every worker's chip is in sync
   * at that digest (read in one script call: the page rebuilds the table on every poll).
   */
  static boolean allInSync(String spider, String notDigest) {
    return Boolean.TRUE.equals(browser.script("""
        const row = document.querySelector(arguments[0]);
        const digest = row && row.getAttribute('data-digest');
        if (!digest || digest === arguments[1]) return false;
        return arguments[2].every(w => {
          const chip = row.querySelector(".chip[data-node='" + w + "']");
          return chip !== null && chip.getAttribute('data-state') === 'in_sync'
              && chip.getAttribute('data-digest') === digest;
        });""", row(spider), notDigest, WORKERS));
  }

  @Test
  void showsBothWorkersAndTheSpider() {
    browser.open(url());
    for (String key : List.of("master-1", "worker-1", "worker-2")) {
      browser.until("node " + key + " listed", d -> browser.present("#nodes tr[data-node-key='" + key + "']"));
    }
    browser.until("spider row", d -> browser.present(row(SPIDER)));
    browser.until("both workers in sync", d -> allInSync(SPIDER, null));
    assertEquals("worker", browser.text("#nodes tr[data-node-key='worker-2'] td:nth-child(2)"));
    assertEquals("7", browser.text(row(SPIDER) + " td:nth-child(3)"), "files of the sample spider");
    browser.until("a live status line", d -> browser.attribute("#live", "data-state").equals("ok"));
    browser.until("the chart shows scan requests", d -> !browser.text("#chart-hit .sub").startsWith("0 "));
  }

  @Test
  void anEditOnTheMasterShowsBothWorkersBackInSyncWithoutAReload() throws Exception {
    browser.open(url());
    browser.until("both workers in sync", d -> allInSync(SPIDER, null));
    String before = browser.attribute(row(SPIDER), "data-digest");
    // a marker that a reload would wipe
    browser.script("window.syncnodeTestMarker = 'same page';");

    Trees.write(spiders.resolve(SPIDER), "main.py", "print('edited for the dashboard test')\n");

    browser.until("the new digest in sync on both workers", d -> allInSync(SPIDER, before));
    assertEquals("same page", browser.script("return window.syncnodeTestMarker;"));
    String after = browser.attribute(row(SPIDER), "data-digest");
    assertNotEquals(before, after);
    for (String key : WORKERS) {
      Path copy = tmp.resolve(key).resolve(SPIDER).resolve("main.py");
      assertEquals("print('edited for the dashboard test')\n", Files.readString(copy), key);
    }
    browser.until("the recent syncs list both workers",
        d -> browser.texts("#syncs tbody td:nth-child(3)").containsAll(WORKERS));
    // a few chart samples, so the screenshot shows lines rather than empty boxes
    browser.until("5 chart samples", d -> Integer.parseInt(
        Objects.requireNonNullElse(browser.attribute("body", "data-samples"), "0")) >= 5);
    assertNotNull(browser.screenshot("dashboard"));
  }
}
