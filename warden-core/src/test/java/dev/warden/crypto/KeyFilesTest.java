package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KeyFiles}: how secrets are written and the checks made before one is read. */
class KeyFilesTest {
  private static final byte[] SECRET =
      "secret bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void writeNew_newFile_isMode0600WithContent() throws IOException {
    Path f = dir.resolve("k.key");
    KeyFiles.writeNew(f, SECRET);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(Files.readAllBytes(f)).isEqualTo(SECRET);
    assertThat(KeyFiles.readChecked(f)).isEqualTo(SECRET);
  }

  @Test
  void writeNew_fileExists_throwsAndKeepsOldContent() throws IOException {
    Path f = dir.resolve("k.key");
    KeyFiles.writeNew(f, SECRET);

    assertThatThrownBy(() -> KeyFiles.writeNew(f, new byte[] {1, 2, 3}))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(f)).isEqualTo(SECRET);
  }

  @Test
  void writeNew_danglingSymlinkAtPath_throwsAndWritesNothingThroughIt() throws IOException {
    Path target = dir.resolve("elsewhere");
    Path link = Files.createSymbolicLink(dir.resolve("k.key"), target);

    assertThatThrownBy(() -> KeyFiles.writeNew(link, SECRET)).isInstanceOf(IOException.class);
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void readChecked_ownerReadOnly_reads() throws IOException {
    Path f = file("r--------");
    assertThat(KeyFiles.readChecked(f)).isEqualTo(SECRET);
  }

  @Test
  void readChecked_groupReadable_throwsNamingChmod600() throws IOException {
    Path f = file("rw-r-----");
    assertThatThrownBy(() -> KeyFiles.readChecked(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod 600")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("rw-r-----");
  }

  @Test
  void readChecked_otherReadable_throwsNamingChmod600() throws IOException {
    Path f = file("rw----r--");
    assertThatThrownBy(() -> KeyFiles.readChecked(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void readChecked_groupWritable_throws() throws IOException {
    Path f = file("rw--w----");
    assertThatThrownBy(() -> KeyFiles.readChecked(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void readChecked_symlinkToGoodFile_throws() throws IOException {
    Path real = file("rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), real);
    assertThatThrownBy(() -> KeyFiles.readChecked(link))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
  }

  @Test
  void readChecked_missingFile_throwsNamingIt() {
    Path f = dir.resolve("missing.key");
    assertThatThrownBy(() -> KeyFiles.readChecked(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void readChecked_directory_throws() throws IOException {
    Path d =
        Files.createDirectory(
            dir.resolve("d"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThatThrownBy(() -> KeyFiles.readChecked(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("regular file");
  }

  @Test
  void readChecked_ownedByAnotherUser_throwsNamingChown() throws IOException {
    Path f = file("rw-------");
    UserPrincipal nobody;
    try {
      nobody = f.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(f, nobody);
    } catch (IOException | UnsupportedOperationException e) {
      nobody = null;
    }
    assumeTrue(nobody != null, "cannot give a file to another user here (not root)");

    assertThatThrownBy(() -> KeyFiles.readChecked(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chown");
  }

  private Path file(String mode) throws IOException {
    Path f = dir.resolve("k-" + mode.replace('-', '_') + ".key");
    Files.write(f, SECRET);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }
}
