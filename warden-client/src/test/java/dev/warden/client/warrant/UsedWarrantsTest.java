package dev.warden.client.warrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract both stores keep; each test runs against both. */
class UsedWarrantsTest {
  static final Instant T0 = Instant.parse("2026-11-21T23:40:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private UsedWarrants open(String kind) throws IOException {
    return switch (kind) {
      case "memory" -> UsedWarrants.inMemory(clock, 1_000);
      case "file" -> UsedWarrants.file(dir.resolve("used"), clock);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void markUsed_sameIdTwice_trueThenFalse(String kind) throws IOException {
    try (UsedWarrants used = open(kind)) {
      assertThat(used.markUsed("01A", T0.plusSeconds(60))).isTrue();
      assertThat(used.markUsed("01A", T0.plusSeconds(60))).isFalse();
      assertThat(used.markUsed("01B", T0.plusSeconds(60))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void markUsed_untilKeepUntilInclusive_remembersThenForgets(String kind) throws IOException {
    try (UsedWarrants used = open(kind)) {
      used.markUsed("01A", T0.plusSeconds(60));

      clock.set(T0.plusSeconds(60));
      assertThat(used.markUsed("01A", T0.plusSeconds(60))).isFalse();
      clock.set(T0.plusSeconds(60).plusMillis(1));
      assertThat(used.markUsed("01A", T0.plusSeconds(120))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void markUsed_manyThreadsSameId_exactlyOneTrue(String kind) throws Exception {
    try (UsedWarrants used = open(kind);
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      for (int round = 0; round < 20; round++) {
        String id = "01ROUND" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          calls.add(
              () -> {
                start.await();
                return used.markUsed(id, T0.plusSeconds(60));
              });
        }
        List<Future<Boolean>> results = new ArrayList<>();
        for (Callable<Boolean> c : calls) {
          results.add(pool.submit(c));
        }
        start.countDown();
        int trues = 0;
        for (Future<Boolean> f : results) {
          trues += f.get() ? 1 : 0;
        }
        assertThat(trues).as("round %d", round).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void markUsed_badIds_throw(String kind) throws IOException {
    try (UsedWarrants used = open(kind)) {
      for (String bad : new String[] {"", "a b", "a\nb", "é", "x".repeat(129)}) {
        assertThatThrownBy(() -> used.markUsed(bad, T0.plusSeconds(1)))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void markUsed_afterClose_throws(String kind) throws IOException {
    UsedWarrants used = open(kind);
    used.close();

    assertThatThrownBy(() -> used.markUsed("01A", T0.plusSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void inMemory_fullOfUnexpiredIds_throwsUntilOneExpires(int capacity) {
    UsedWarrants used = UsedWarrants.inMemory(clock, capacity);
    for (int i = 0; i < capacity; i++) {
      assertThat(used.markUsed("01FULL" + i, T0.plusSeconds(10 + i))).isTrue();
    }

    assertThatThrownBy(() -> used.markUsed("01MORE", T0.plusSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("capacity");
    clock.advance(Duration.ofSeconds(10 + capacity));
    assertThat(used.markUsed("01MORE", T0.plusSeconds(60))).isTrue();
  }
}
