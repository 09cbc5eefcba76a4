package dev.syncnode.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code dev.syncnode.Main} in a child JVM (this JVM's {@code java}, the test classpath), as an
 * operator would run the jar: real exit code, real stdout and stderr, the given environment on top of
 * this one without any {@code SYNCNODE_*} variable of its own.
 */
public final class ChildJvm {
  /** How the child ended: exit code, stdout, stderr. */
  public record Result(int code, String out, String err) {
    public String all() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private ChildJvm() {}

  public static Result run(Path workDir, Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Process p = start(workDir, env, args);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the child did not exit within " + timeoutSeconds + " s: " + read(workDir));
    }
    return read(workDir, p.exitValue());
  }

  /** Starts the child; its output goes to {@code child.out} and {@code child.err} in workDir. */
  public static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/sun.nio.fs=ALL-UNNAMED"); // as the jar's manifest (master: confined opens)
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "dev.syncnode.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("child.out").toFile())
        .redirectError(workDir.resolve("child.err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SYNCNODE_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  public static Result read(Path workDir, int code) throws IOException {
    return new Result(code, Files.readString(workDir.resolve("child.out"), StandardCharsets.UTF_8),
        Files.readString(workDir.resolve("child.err"), StandardCharsets.UTF_8));
  }

  private static String read(Path workDir) throws IOException {
    return read(workDir, -1).all();
  }
}
