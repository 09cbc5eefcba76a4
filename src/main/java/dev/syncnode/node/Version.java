package dev.syncnode.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, for the start line, {@code version} and the cluster registry. */
public final class Version {
  private Version() {}

  /** The jar's version: manifest Implementation-Version, else the Maven pom.properties, else "dev". */
  public static String current() {
    Package pkg = Version.class.getPackage();
    String v = pkg == null ? null : pkg.getImplementationVersion();
    if (v == null) {
      try (InputStream in = Version.class.getResourceAsStream("/META-INF/maven/dev.syncnode/syncnode/pom.properties")) {
        if (in != null) {
          Properties props = new Properties();
          props.load(in);
          v = props.getProperty("version");
        }
      } catch (IOException e) {
        // fall back below
      }
    }
    return v == null || v.isBlank() ? "dev" : v.trim();
  }

}
