package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@link UsedWarrants#file}: an append-only file of {@code <decisionId> <keepUntilEpochMillis>}
 * lines, mirrored in a map. Every I/O failure after opening leaves the store broken: it refuses
 * further use rather than guess what the file holds.
 */
final class FileUsedWarrants implements UsedWarrants {
  /** Appends between two checks whether a rewrite would drop at least half of the lines. */
  static final int DEFAULT_COMPACT_AFTER = 4_096;

  private static final Pattern MILLIS = Pattern.compile("[0-9]{1,18}");

  /**
   * Lock files held in this JVM. On POSIX systems closing any channel of a file releases the
   * process's locks on it, so a second store must fail before it opens the lock file at all.
   */
  private static final Set<Path> LOCKED = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final Path lockPath;
  private final Clock clock;
  private final int compactAfter;
  private final FileChannel lockChannel;
  private final ReentrantLock mutex = new ReentrantLock();
  private final Map<String, Long> used;
  private FileChannel data;
  private long lines;
  private long linesAtLastCheck;
  private boolean closed;
  private @Nullable String broken;

  private FileUsedWarrants(
      Path file,
      Path lockPath,
      Clock clock,
      int compactAfter,
      FileChannel lockChannel,
      Map<String, Long> used,
      FileChannel data) {
    this.file = file;
    this.lockPath = lockPath;
    this.clock = clock;
    this.compactAfter = compactAfter;
    this.lockChannel = lockChannel;
    this.used = used;
    this.data = data;
    this.lines = used.size();
    this.linesAtLastCheck = lines;
  }

  /**
   * Locks, loads and rewrites {@code path}; see {@link UsedWarrants#file(Path, Clock)}.
   *
   * @param compactAfter appends between two compaction checks
   */
  static FileUsedWarrants open(Path path, Clock clock, int compactAfter) throws IOException {
    requireNonNull(clock, "clock");
    if (compactAfter < 1) {
      throw new IllegalArgumentException("compactAfter is at least 1, not " + compactAfter);
    }
    Path absolute = path.toAbsolutePath();
    Path file = absolute.getParent().toRealPath().resolve(absolute.getFileName());
    Path lockPath = file.resolveSibling(file.getFileName() + ".lock");
    if (!LOCKED.add(lockPath)) {
      throw inUse(file, lockPath);
    }
    FileChannel lockChannel = null;
    try {
      lockChannel =
          FileChannel.open(
              lockPath,
              EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              ownerOnly(lockPath));
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(file, lockPath);
      }
      Map<String, Long> used = load(file, clock.millis());
      FileChannel data = rewrite(file, used);
      return new FileUsedWarrants(file, lockPath, clock, compactAfter, lockChannel, used, data);
    } catch (IOException | RuntimeException e) {
      if (lockChannel != null) {
        try {
          lockChannel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      LOCKED.remove(lockPath);
      throw e;
    }
  }

  @Override
  public boolean markUsed(String decisionId, Instant keepUntil) {
    WarrantIds.require(decisionId);
    long until = WarrantIds.ceilMillis(keepUntil);
    mutex.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the used-warrant store " + file + " is closed");
      }
      if (broken != null) {
        throw new IllegalStateException(
            "the used-warrant store " + file + " failed earlier (" + broken + "); reopen it");
      }
      long now = clock.millis();
      Long remembered = used.get(decisionId);
      if (remembered != null && remembered >= now) {
        return false;
      }
      append(decisionId, until);
      used.put(decisionId, until);
      lines++;
      if (lines - linesAtLastCheck >= compactAfter) {
        compact(now);
      }
      return true;
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    mutex.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      FileChannel d = data;
      FileChannel l = lockChannel;
      try (l;
          d) {
        used.clear();
      } finally {
        LOCKED.remove(lockPath);
      }
    } finally {
      mutex.unlock();
    }
  }

  private void append(String decisionId, long until) {
    ByteBuffer line = ByteBuffer.wrap((decisionId + " " + until + "\n").getBytes(US_ASCII));
    try {
      while (line.hasRemaining()) {
        data.write(line);
      }
      data.force(true);
    } catch (IOException e) {
      broken = "an append failed: " + e;
      throw new UncheckedIOException("could not record a warrant use in " + file, e);
    }
  }

  /** Forgets expired ids; rewrites the file when that drops at least half of its lines. */
  private void compact(long now) {
    used.values().removeIf(until -> until < now);
    if (lines > 2L * used.size()) {
      FileChannel old = data;
      try {
        data = rewrite(file, used);
        lines = used.size();
      } catch (IOException e) {
        // The use just appended is durable; the store stops here since the old channel may
        // now name an unlinked file.
        broken = "a rewrite failed: " + e;
        return;
      }
      try {
        old.close();
      } catch (IOException e) {
        // The old file is unlinked already; nothing is lost.
      }
    }
    linesAtLastCheck = lines;
  }

  /** Reads the live ids; a last line without its newline is a torn append and is ignored. */
  private static Map<String, Long> load(Path file, long now) throws IOException {
    Map<String, Long> used = new HashMap<>();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return used;
    }
    int start = 0;
    int number = 1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        String line = new String(bytes, start, i - start, US_ASCII);
        int space = line.indexOf(' ');
        String id = space < 0 ? "" : line.substring(0, space);
        String millis = space < 0 ? "" : line.substring(space + 1);
        if (!isId(id) || !MILLIS.matcher(millis).matches()) {
          throw new IOException(
              "line "
                  + number
                  + " of "
                  + file
                  + " is not '<decisionId> <keepUntilEpochMillis>'; refusing to guess which"
                  + " warrants were used");
        }
        long until = Long.parseLong(millis);
        if (until >= now) {
          used.merge(id, until, Math::max);
        }
        start = i + 1;
        number++;
      }
    }
    return used;
  }

  private static boolean isId(String id) {
    try {
      WarrantIds.require(id);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Writes {@code used} to a temporary file, forces it, renames it over {@code file} and forces the
   * directory, so that a crash leaves either the old file or the new one.
   *
   * @return the new file's channel, positioned at its end
   */
  private static FileChannel rewrite(Path file, Map<String, Long> used) throws IOException {
    Path temp = tempOf(file);
    Files.deleteIfExists(temp); // left by a crash during an earlier rewrite
    FileChannel out =
        FileChannel.open(
            temp,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            ownerOnly(temp));
    try {
      StringBuilder text = new StringBuilder();
      for (Map.Entry<String, Long> e : used.entrySet()) {
        text.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        if (text.length() >= 64 * 1024) {
          writeFully(out, text);
        }
      }
      writeFully(out, text);
      out.force(true);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      try {
        out.close();
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void writeFully(FileChannel out, StringBuilder text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(US_ASCII));
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
    text.setLength(0);
  }

  private static Path tempOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  private static FileAttribute<?>[] ownerOnly(Path file) {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
    };
  }

  private static IOException inUse(Path file, Path lockPath) {
    return new IOException(
        "the used-warrant store " + file + " is in use by another store (lock " + lockPath + ")");
  }
}
