package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database file on disk: created by us with mode 0600 before SQLite opens it (SQLite gives its
 * {@code -wal} and {@code -shm} files the same mode), never a symbolic link, and still the same
 * file (inode) while the store is open.
 */
final class DatabaseFile {
  private static final Logger log = LoggerFactory.getLogger(DatabaseFile.class);
  private static final Set<PosixFilePermission> OWNER_RW =
      PosixFilePermissions.fromString("rw-------");
  private static final List<String> SIBLINGS = List.of("-wal", "-shm", "-journal", ".lock");

  private final Path path;
  private final @Nullable Object fileKey;

  private DatabaseFile(Path path, @Nullable Object fileKey) {
    this.path = path;
    this.fileKey = fileKey;
  }

  /**
   * The path of the database in its directory's real path, so that one file has one name here (the
   * process lock relies on it). The file itself may not exist yet.
   *
   * @throws StoreException {@code UNAVAILABLE} if the directory does not exist
   */
  static Path resolve(Path databaseFile) throws StoreException {
    Path absolute = databaseFile.toAbsolutePath().normalize();
    Path name = absolute.getFileName();
    Path dir = absolute.getParent();
    if (name == null || dir == null) {
      throw unavailable("not a database file path: " + databaseFile);
    }
    try {
      return dir.toRealPath().resolve(name);
    } catch (IOException e) {
      throw unavailable("the directory of " + absolute + " does not exist or cannot be read");
    }
  }

  /**
   * Creates {@code path} (from {@link #resolve}) with mode 0600 unless it exists, and checks it.
   *
   * @throws StoreException {@code UNAVAILABLE} if it, or a file SQLite would write beside it, is a
   *     symbolic link, if it is not a regular writable file, or if its directory is missing
   */
  static DatabaseFile createOrOpen(Path path) throws StoreException {
    refuseLinks(path);
    try {
      Files.createFile(path, ownerOnly(path));
    } catch (FileAlreadyExistsException e) {
      // An existing database: checked below.
    } catch (IOException e) {
      throw unavailable("cannot create " + path + ": " + e.getMessage());
    }
    try {
      PosixFileAttributes attrs =
          Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw unavailable(path + " is not a regular file");
      }
      if (!OWNER_RW.containsAll(attrs.permissions())) {
        log.warn(
            "{} is accessible by others ({}); it holds agent secrets: chmod 600 it",
            path,
            PosixFilePermissions.toString(attrs.permissions()));
      }
      if (!Files.isWritable(path)) {
        throw unavailable(path + " is not writable");
      }
      return new DatabaseFile(path, attrs.fileKey());
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: no modes, no inode check.
      return new DatabaseFile(path, null);
    } catch (IOException e) {
      throw unavailable("cannot read the attributes of " + path + ": " + e.getMessage());
    }
  }

  private static void refuseLinks(Path path) throws StoreException {
    if (Files.isSymbolicLink(path)) {
      throw unavailable(path + " is a symbolic link; Warden opens only a real file");
    }
    for (String suffix : SIBLINGS) {
      Path sibling = path.resolveSibling(path.getFileName() + suffix);
      if (Files.isSymbolicLink(sibling)) {
        throw unavailable(sibling + " is a symbolic link; Warden opens only real files");
      }
    }
    String s = path.toString();
    if (s.indexOf('?') >= 0 || s.indexOf('#') >= 0) {
      // The JDBC URL would read these as parameters.
      throw unavailable("the database path may not contain '?' or '#': " + path);
    }
  }

  /** Mode 0600 for a file created at {@code path}, where the file system knows modes. */
  static FileAttribute<?>[] ownerOnly(Path path) {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)};
    }
    return new FileAttribute<?>[0];
  }

  Path path() {
    return path;
  }

  /** The JDBC URL of the file. */
  String jdbcUrl() {
    return "jdbc:sqlite:" + path;
  }

  /**
   * Checks that the path still names the file that was opened. SQLite keeps writing to an open file
   * that was deleted or replaced, and everything written then is lost at the next start.
   */
  void checkUnchanged() throws StoreException {
    if (fileKey == null) {
      return;
    }
    try {
      Object now =
          Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      if (!fileKey.equals(now)) {
        throw unavailable(path + " was replaced while open; restart Warden");
      }
    } catch (IOException e) {
      throw unavailable(path + " was removed while open; restart Warden");
    }
  }

  private static StoreException unavailable(String message) {
    return new StoreException(Kind.UNAVAILABLE, message);
  }
}
