package dev.syncnode.fs;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * open(2) with flags Java's public API cannot pass ({@code O_NONBLOCK}: a FIFO must not block the
 * open), through the JDK's own {@code sun.nio.fs.UnixNativeDispatcher}. Needs
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED} (the jar's manifest carries it as
 * {@code Add-Opens}), Linux on x86_64 or aarch64 (the flag values below) and /proc; otherwise
 * {@link #UNAVAILABLE} says why and callers take the plain path.
 */
final class NativeOpen {
  // Linux asm-generic values, shared by x86_64 and aarch64 (32-bit ARM, PowerPC and others differ)
  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;
  static final int READ_NOFOLLOW_NONBLOCK = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC;
  private static final Set<String> ARCHES = Set.of("amd64", "x86_64", "aarch64");

  /** (Path, int flags, int mode) -> int fd, throws UnixException. */
  private static final MethodHandle OPEN;
  /** (int fd) -> void. */
  private static final MethodHandle CLOSE;
  /** (Throwable unixException, Path) -> IOException. */
  private static final MethodHandle AS_IO_EXCEPTION;
  private static final Class<?> UNIX_EXCEPTION;
  /** Null when usable, else why not. */
  static final String UNAVAILABLE;
  /** (int fd) -> UnixFileAttributes (fstat), as BasicFileAttributes; null where the JDK has no such method. */
  private static final MethodHandle FSTAT;
  /** (BasicFileAttributes of FSTAT) -> int link count. */
  private static final MethodHandle NLINK;

  static {
    MethodHandle open = null;
    MethodHandle close = null;
    MethodHandle asIo = null;
    Class<?> unixException = null;
    String why = null;
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux") || !ARCHES.contains(arch)) {
      why = "not Linux on x86_64/aarch64 (" + os + "/" + arch + ")";
    } else if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
      why = "/proc/self/fd is not available";
    } else {
      try {
        Class<?> dispatcher = Class.forName("sun.nio.fs.UnixNativeDispatcher");
        Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
        unixException = Class.forName("sun.nio.fs.UnixException");
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(dispatcher, MethodHandles.lookup());
        open = lookup.findStatic(dispatcher, "open", MethodType.methodType(int.class, unixPath, int.class, int.class))
            .asType(MethodType.methodType(int.class, Path.class, int.class, int.class));
        close = closeHandle(lookup, dispatcher, unixException);
        asIo = MethodHandles.privateLookupIn(unixException, MethodHandles.lookup())
            .findVirtual(unixException, "asIOException", MethodType.methodType(IOException.class, unixPath))
            .asType(MethodType.methodType(IOException.class, Throwable.class, Path.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        why = "the JDK's sun.nio.fs is not accessible (run with --add-opens java.base/sun.nio.fs=ALL-UNNAMED): " + e;
      }
    }
    MethodHandle[] stat = open == null ? null : fstatHandles();
    FSTAT = stat == null ? null : stat[0];
    NLINK = stat == null ? null : stat[1];
    OPEN = open;
    CLOSE = close;
    AS_IO_EXCEPTION = asIo;
    UNIX_EXCEPTION = unixException;
    UNAVAILABLE = why;
  }

  private NativeOpen() {}

  /** JDK 17 has close(int); later JDKs close(int, Function&lt;UnixException, X&gt;). */
  private static MethodHandle closeHandle(MethodHandles.Lookup lookup, Class<?> dispatcher, Class<?> unixException)
      throws ReflectiveOperationException {
    try {
      return lookup.findStatic(dispatcher, "close", MethodType.methodType(void.class, int.class));
    } catch (NoSuchMethodException e) {
      MethodHandle withMapper = lookup.findStatic(dispatcher, "close",
          MethodType.methodType(void.class, int.class, Function.class));
      Function<Object, Throwable> ignore = x -> new IllegalStateException("close failed: " + x);
      return MethodHandles.insertArguments(withMapper, 1, ignore);
    }
  }

  /**
   * fstat(2) of a descriptor through {@code UnixFileAttributes.get(int)}: one system call that also
   * yields the link count, where stat of {@code /proc/self/fd/N} resolves that link first, and the
   * link count took a second stat. Null when this JDK lacks those methods (callers stat the path).
   */
  private static MethodHandle[] fstatHandles() {
    try {
      Class<?> attrs = Class.forName("sun.nio.fs.UnixFileAttributes");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(attrs, MethodHandles.lookup());
      MethodHandle get = lookup.findStatic(attrs, "get", MethodType.methodType(attrs, int.class))
          .asType(MethodType.methodType(BasicFileAttributes.class, int.class));
      MethodHandle nlink = lookup.findVirtual(attrs, "nlink", MethodType.methodType(int.class))
          .asType(MethodType.methodType(int.class, BasicFileAttributes.class));
      return new MethodHandle[] {get, nlink};
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@link #fstat} and {@link #links} work here. */
  static boolean fstatAvailable() {
    return FSTAT != null;
  }

  /** fstat(2) of an open descriptor; requires {@link #fstatAvailable()}. */
  static BasicFileAttributes fstat(int fd, Path nameForErrors) throws IOException {
    try {
      return (BasicFileAttributes) FSTAT.invokeExact(fd);
    } catch (Throwable t) {
      throw asIo(t, nameForErrors);
    }
  }

  /** The link count of attributes returned by {@link #fstat}. */
  static int links(BasicFileAttributes fstat) {
    try {
      return (int) NLINK.invokeExact(fstat);
    } catch (Throwable t) {
      throw new IllegalStateException("no link count in " + fstat, t);
    }
  }

  private static IOException asIo(Throwable t, Path file) {
    if (UNIX_EXCEPTION.isInstance(t)) {
      try {
        return (IOException) AS_IO_EXCEPTION.invokeExact(t, file);
      } catch (Throwable other) {
        return new IOException(file + ": " + t.getMessage(), t);
      }
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IOException(file + ": " + t, t);
  }

  /** Opens {@code file} read-only, never following a final symlink (ELOOP) and never blocking. */
  static int open(Path file) throws IOException {
    try {
      return (int) OPEN.invokeExact(file, READ_NOFOLLOW_NONBLOCK, 0);
    } catch (Throwable t) {
      if (UNIX_EXCEPTION.isInstance(t)) {
        try {
          throw (IOException) AS_IO_EXCEPTION.invokeExact(t, file);
        } catch (IOException io) {
          throw io;
        } catch (Throwable other) {
          throw new IOException(file + ": " + t.getMessage(), t);
        }
      }
      throw new IOException("cannot open " + file + ": " + t, t);
    }
  }

  static void close(int fd) {
    try {
      CLOSE.invokeExact(fd);
    } catch (Throwable ignored) {
      // a read-only descriptor: nothing to lose
    }
  }
}
