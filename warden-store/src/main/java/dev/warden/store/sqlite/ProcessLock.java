package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on {@code <database>.lock}, held while a store is open, so that two Warden
 * processes never write one SQLite file (two writers would each believe they own the log head). The
 * lock file records the holder's pid, for the error message of the next one.
 *
 * <p>The operating system releases the lock when the process dies, {@code kill -9} included. Locks
 * are per process, and closing <em>any</em> descriptor of the file drops them (POSIX), so stores of
 * this process are tracked in {@link #HELD} and a second one never touches the file.
 */
final class ProcessLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ProcessLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock for {@code database} (a path from {@link DatabaseFile#resolve}).
   *
   * @throws StoreException {@code UNAVAILABLE} if another store, here or in another process, holds
   *     it, or it cannot be taken
   */
  static ProcessLock acquire(Path database) throws StoreException {
    Path file = database.resolveSibling(database.getFileName() + ".lock");
    if (!HELD.add(file)) {
      throw new StoreException(
          Kind.UNAVAILABLE,
          database + " is in use by another Warden store in this process (lock " + file + ")");
    }
    try {
      return lock(database, file);
    } catch (StoreException | RuntimeException e) {
      HELD.remove(file);
      throw e;
    }
  }

  private static ProcessLock lock(Path database, Path file) throws StoreException {
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file,
              Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS),
              DatabaseFile.ownerOnly(file));
    } catch (IOException e) {
      throw new StoreException(
          Kind.UNAVAILABLE, "cannot open the lock file " + file + ": " + e.getMessage(), e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        // This JVM already locks the file under another name (a hard link). Closing this channel
        // would drop that lock too (POSIX), so it is left open: one descriptor, rarely.
        throw new StoreException(
            Kind.UNAVAILABLE,
            database + " is in use by another Warden store in this process (lock " + file + ")");
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new StoreException(
            Kind.UNAVAILABLE,
            database
                + " is in use by another Warden process ("
                + holder
                + ", lock "
                + file
                + "); stop it, or give this one another data directory");
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      return new ProcessLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(Kind.UNAVAILABLE, "cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** "pid 1234" as the holder wrote it, or "pid unknown". */
  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      return s.matches("[0-9]{1,19}") ? "pid " + s : "pid unknown";
    } catch (IOException e) {
      return "pid unknown";
    }
  }

  /** The lock file. */
  Path file() {
    return file;
  }

  /** Whether the lock is still held (false after {@link #close} or if the channel broke). */
  boolean valid() {
    return lock.isValid();
  }

  /** Releases the lock. The file stays: deleting it would race with the next process. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases it anyway.
    }
    closeQuietly(channel);
    HELD.remove(file);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was written that needs flushing.
    }
  }
}
