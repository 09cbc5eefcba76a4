package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the dashboard's files are served, without a browser: on the master only, GET and HEAD only,
 * revalidated on every load, under a policy that allows no inline or foreign code; the shell loads
 * without the token while the data it reads stays behind it.
 */
class DashboardRoutesTest {
  static final String TOKEN = "routes-test-token";

  @TempDir static Path tmp;
  static Cluster nodes;
  static HttpProbe master;
  static HttpProbe worker;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Trees.write(ws.resolve("s1"), "a.txt", "a\n");
    nodes = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")),
        c -> c.withAuth(new NodeConfig.Auth(TOKEN)));
    master = new HttpProbe(nodes.master.httpPort());
    worker = new HttpProbe(nodes.worker.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    master.close();
    worker.close();
    nodes.close();
  }

  @Test
  void thePageAndItsAssetsWithoutTheToken() throws Exception {
    HttpProbe.Reply page = master.get("/");
    assertEquals(200, page.status());
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    assertTrue(page.text().contains("/assets/dashboard.js"));
    assertEquals("no-cache", page.header("Cache-Control"));
    assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
    assertTrue(page.header("Content-Security-Policy").contains("form-action 'none'"));
    assertEquals("nosniff", page.header("X-Content-Type-Options"));
    assertTrue(page.header("Last-Modified") != null, "revalidation needs Last-Modified");
    for (String asset : new String[] {"/assets/dashboard.js", "/assets/dashboard.css"}) {
      HttpProbe.Reply r = master.get(asset);
      assertEquals(200, r.status(), asset);
      assertEquals("no-cache", r.header("Cache-Control"), asset);
    }
  }

  @Test
  void anUnchangedFileIsNotModified() throws Exception {
    String lastModified = master.get("/assets/dashboard.js").header("Last-Modified");
    HttpProbe.Reply again = master.get("/assets/dashboard.js", Map.of("If-Modified-Since", lastModified));
    assertEquals(304, again.status());
  }

  @Test
  void theDataStaysBehindTheToken() throws Exception {
    assertEquals(401, master.get("/api/spiders").status());
    assertEquals(200, master.get("/api/spiders", Map.of("Authorization", "Bearer " + TOKEN)).status());
  }

  @Test
  void nothingElseIsServed() throws Exception {
    for (String path : new String[] {"/index.html", "/assets/", "/assets/nope.js", "/webroot/index.html",
        "/cluster.xml", "/assets/../cluster.xml"}) {
      HttpProbe.Reply r = master.get(path);
      assertEquals(404, r.status(), path);
      assertTrue(r.text().startsWith("{\"error\""), path + ": " + r.text());
    }
    for (HttpMethod m : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE}) {
      HttpProbe.Reply r = Cluster.await(master.requestAsync(m, "/", Map.of()));
      assertEquals(404, r.status(), m + " /");
    }
    assertEquals(200, Cluster.await(master.requestAsync(HttpMethod.HEAD, "/", Map.of())).status());
  }

  @Test
  void theScriptOnlyReads() throws Exception {
    String js = master.get("/assets/dashboard.js").text();
    assertEquals(1, js.split("fetch\\(", -1).length - 1, "one place talks to the master");
    for (String write : new String[] {"method", "POST", "PUT", "DELETE", "PATCH", "XMLHttpRequest", "sendBeacon",
        "innerHTML", "eval("}) {
      assertFalse(js.contains(write), "dashboard.js contains " + write);
    }
  }

  @Test
  void workersHaveNoDashboard() throws Exception {
    HttpProbe.Reply r = worker.get("/");
    assertEquals(404, r.status());
    assertTrue(r.text().startsWith("{\"error\""), r.text());
  }
}
