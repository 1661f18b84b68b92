package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileUsedWarrantsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T23:40:00Z");
  private static final Instant LATER = T0.plusSeconds(60);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private Path file() {
    return dir.resolve("used-warrants");
  }

  @Test
  void markUsed_thenReopen_refusesTheSameId() throws IOException {
    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      assertThat(used.markUsed("01A", LATER)).isTrue();
    }

    try (UsedWarrants reopened = UsedWarrants.file(file(), clock)) {
      assertThat(reopened.markUsed("01A", LATER)).isFalse();
      assertThat(reopened.markUsed("01B", LATER)).isTrue();
    }
  }

  @Test
  void markUsed_writesOneLinePerUseBeforeReturning() throws IOException {
    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      used.markUsed("01A", LATER);
      used.markUsed("01B", LATER.plusNanos(1));

      // Read while the store is open: the lines are there before close.
      assertThat(Files.readAllLines(file(), US_ASCII))
          .containsExactly("01A " + LATER.toEpochMilli(), "01B " + (LATER.toEpochMilli() + 1));
    }
  }

  @Test
  void open_expiredIds_areDroppedFromMemoryAndFile() throws IOException {
    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      used.markUsed("01SHORT", T0.plusSeconds(10));
      used.markUsed("01LONG", T0.plusSeconds(100));
    }
    clock.set(T0.plusSeconds(50));

    try (UsedWarrants reopened = UsedWarrants.file(file(), clock)) {
      assertThat(Files.readAllLines(file(), US_ASCII))
          .containsExactly("01LONG " + T0.plusSeconds(100).toEpochMilli());
      assertThat(reopened.markUsed("01SHORT", T0.plusSeconds(100))).isTrue();
      assertThat(reopened.markUsed("01LONG", T0.plusSeconds(100))).isFalse();
    }
  }

  @Test
  void open_tornLastLine_isIgnoredAndRemoved() throws IOException {
    long later = LATER.toEpochMilli();
    Files.writeString(file(), "01A " + later + "\n01B " + later + "\n01C 17", US_ASCII);

    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      assertThat(used.markUsed("01A", LATER)).isFalse();
      assertThat(used.markUsed("01B", LATER)).isFalse();
      assertThat(used.markUsed("01C", LATER)).isTrue();
    }
    assertThat(Files.readAllLines(file(), US_ASCII))
        .containsExactlyInAnyOrder("01A " + later, "01B " + later, "01C " + later);
  }

  @Test
  void open_malformedCompleteLine_refusesToOpen() throws IOException {
    long later = LATER.toEpochMilli();
    Files.writeString(file(), "01A " + later + "\ngarbage\n01B " + later + "\n", US_ASCII);

    assertThatThrownBy(() -> UsedWarrants.file(file(), clock))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2");
    // The failed open released its lock.
    Files.writeString(file(), "", US_ASCII);
    UsedWarrants.file(file(), clock).close();
  }

  @Test
  void file_newStore_isOwnerOnly() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));

    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      used.markUsed("01A", LATER);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dir.resolve("used-warrants.lock"))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void file_secondStoreInThisProcess_isRefusedUntilTheFirstCloses() throws IOException {
    UsedWarrants first = UsedWarrants.file(file(), clock);
    first.markUsed("01A", LATER);

    assertThatThrownBy(() -> UsedWarrants.file(dir.resolve(".").resolve("used-warrants"), clock))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
    assertThat(first.markUsed("01A", LATER)).as("first store still works").isFalse();
    first.close();
    try (UsedWarrants second = UsedWarrants.file(file(), clock)) {
      assertThat(second.markUsed("01A", LATER)).isFalse();
    }
  }

  @Test
  void file_lockedByAnotherProcess_isRefused() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HoldStoreLock.class.getName(),
                file().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII));
      assertThat(out.readLine()).isEqualTo("locked");

      assertThatThrownBy(() -> UsedWarrants.file(file(), clock))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use");

      child.getOutputStream().close();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isZero();
      UsedWarrants.file(file(), clock).close();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void markUsed_manyExpiredLines_compactsTheFile() throws IOException {
    try (UsedWarrants used = FileUsedWarrants.open(file(), clock, 10)) {
      for (int i = 0; i < 200; i++) {
        assertThat(used.markUsed("01ID" + i, clock.instant().plusSeconds(5))).isTrue();
        clock.advance(Duration.ofSeconds(1));
      }
      List<String> lines = Files.readAllLines(file(), US_ASCII);
      // Without compaction there would be 200 lines; ids of the last 5 seconds must be there.
      assertThat(lines).hasSizeLessThan(40);
      assertThat(lines).contains("01ID199 " + clock.instant().plusSeconds(4).toEpochMilli());
      assertThat(used.markUsed("01ID197", clock.instant())).isFalse();
      assertThat(Files.exists(dir.resolve("used-warrants.tmp"))).isFalse();
    }
    try (UsedWarrants reopened = UsedWarrants.file(file(), clock)) {
      assertThat(reopened.markUsed("01ID198", clock.instant())).isFalse();
      assertThat(reopened.markUsed("01ID100", clock.instant())).isTrue();
    }
  }

  @Test
  void open_leftoverTempFileFromACrash_isReplaced() throws IOException {
    Files.writeString(dir.resolve("used-warrants.tmp"), "junk", US_ASCII);

    try (UsedWarrants used = UsedWarrants.file(file(), clock)) {
      assertThat(used.markUsed("01A", LATER)).isTrue();
    }
    assertThat(Files.exists(dir.resolve("used-warrants.tmp"))).isFalse();
  }
}
