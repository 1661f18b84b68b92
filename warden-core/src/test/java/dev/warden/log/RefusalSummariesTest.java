package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.JsonLimits;
import dev.warden.json.StrictJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RefusalSummaries}: counting per (code, source), the source cap, flushing to the log. */
class RefusalSummariesTest {
  private static final Instant T0 = Instant.parse("2026-11-21T23:40:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryLogStore store = new InMemoryLogStore();
  private final Entries entries = new Entries(ParamsModeTest.KEY, ParamsMode.HMAC);

  @Test
  void flush_countsPerCodeAndSource_writesOneEntryPerPairSorted() throws Exception {
    RefusalSummaries s = new RefusalSummaries(clock, 100);
    for (int i = 0; i < 3; i++) {
      s.count("auth.bad_signature", "192.0.2.1");
    }
    s.count("auth.bad_signature", "192.0.2.2");
    s.count("auth.unknown_key", "192.0.2.1");
    s.count("auth.unknown_key", "192.0.2.1");
    clock.advance(Duration.ofMillis(10_250));

    List<JsonNode> written = flushAndRead(s);

    assertThat(written)
        .extracting(
            e ->
                e.get("code").asText()
                    + " "
                    + e.get("source").asText()
                    + " "
                    + e.get("count").asLong())
        .containsExactly(
            "auth.bad_signature 192.0.2.1 3",
            "auth.bad_signature 192.0.2.2 1",
            "auth.unknown_key 192.0.2.1 2");
    assertThat(written)
        .allSatisfy(
            e -> {
              assertThat(e.get("kind").asText()).isEqualTo("refusal_summary");
              assertThat(e.get("window_start").asText()).isEqualTo("2026-11-21T23:40:00.000Z");
              assertThat(e.get("window_end").asText()).isEqualTo("2026-11-21T23:40:10.250Z");
              assertThat(e.get("ts").asText()).isEqualTo("2026-11-21T23:40:10.250Z");
            });
  }

  @Test
  void count_moreDistinctPairsThanCap_restCountedUnderOther() throws Exception {
    RefusalSummaries s = new RefusalSummaries(clock, 2);
    s.count("auth.bad_signature", "a");
    s.count("auth.bad_signature", "b");
    s.count("auth.bad_signature", "c"); // cap reached: other
    s.count("auth.bad_signature", "d"); // other again
    s.count("auth.unknown_key", "e"); // other, under its own code
    s.count("auth.bad_signature", "a"); // a known pair still counts as itself

    List<JsonNode> written = flushAndRead(s);

    assertThat(written)
        .extracting(
            e ->
                e.get("code").asText()
                    + " "
                    + e.get("source").asText()
                    + " "
                    + e.get("count").asLong())
        .containsExactly(
            "auth.bad_signature a 2",
            "auth.bad_signature b 1",
            "auth.bad_signature other 2",
            "auth.unknown_key other 1");
  }

  @Test
  void flush_resetsCountsAndStartsNewWindowAtFlushTime() throws Exception {
    RefusalSummaries s = new RefusalSummaries(clock, 100);
    s.count("auth.bad_signature", "a");
    clock.advance(Duration.ofSeconds(10));
    assertThat(flushAndRead(s)).hasSize(1);

    clock.advance(Duration.ofSeconds(10));
    assertThat(flushAndRead(s)).as("nothing counted since the last flush").isEmpty();

    clock.advance(Duration.ofSeconds(5));
    s.count("auth.bad_signature", "a");
    clock.advance(Duration.ofSeconds(5));
    List<JsonNode> third = flushAndRead(s);
    assertThat(third).hasSize(1);
    assertThat(third.getFirst().get("count").asLong()).isEqualTo(1);
    // The empty flush at T0+20 s started the window the third flush closes.
    assertThat(third.getFirst().get("window_start").asText()).isEqualTo("2026-11-21T23:40:20.000Z");
    assertThat(third.getFirst().get("window_end").asText()).isEqualTo("2026-11-21T23:40:30.000Z");
  }

  /** Flushes, then waits for the flushed entries by appending a marker behind them. */
  private List<JsonNode> flushAndRead(RefusalSummaries s) throws Exception {
    int before = store.entries().size();
    try (GroupCommitLog log = GroupCommitLog.start(store, TestCheckpoints::sign)) {
      s.flush(entries, log);
      log.append(PendingEntry.of(GroupCommitLogTest.entry("marker")));
    }
    List<byte[]> all = store.entries();
    List<JsonNode> out = new ArrayList<>();
    for (byte[] e : all.subList(before, all.size() - 1)) {
      out.add(StrictJson.parse(e, JsonLimits.defaults()));
    }
    return out;
  }
}
