package dev.warden.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets: created with mode 0600 from the start (never chmod-ed after the write),
 * fsynced, never overwritten; read only if they are regular files, not symlinks, owned by the
 * current user and unreadable by group and others.
 */
public final class KeyFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /**
   * Creates {@code file} with mode 0600 and writes {@code content}.
   *
   * @throws FileAlreadyExistsException if it exists: a secret is never silently replaced
   */
  public static void writeNew(Path file, byte[] content) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /**
   * Reads a secret file after checking how it is kept.
   *
   * @throws IOException naming the file, what is wrong, and the command that fixes it
   */
  public static byte[] readChecked(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IOException(
          file + " is a symbolic link; Warden reads secrets only from regular files");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " does not exist or is not a regular file");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> loose = EnumSet.copyOf(perms);
    loose.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    if (!loose.isEmpty()) {
      throw new IOException(
          file
              + " has mode "
              + PosixFilePermissions.toString(perms)
              + "; a secret must be readable by its owner only: run chmod 600 "
              + file);
    }
    UserPrincipal owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS);
    String me = System.getProperty("user.name");
    if (!owner.getName().equals(me)) {
      throw new IOException(
          file
              + " is owned by "
              + owner.getName()
              + ", not by "
              + me
              + ": run chown "
              + me
              + " "
              + file);
    }
    return Files.readAllBytes(file);
  }
}
