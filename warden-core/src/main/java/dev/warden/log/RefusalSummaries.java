package dev.warden.log;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts refusals that happen before an agent is authenticated (bad signature, unknown key,
 * malformed headers, stale signatures) and writes one {@code refusal_summary} entry per reason and
 * source per interval, so a flood cannot bloat the log and no refusal goes unrecorded. At most
 * {@code maxSources} distinct (reason, source) pairs are kept per interval; the rest are counted
 * under source {@code "other"}.
 *
 * <p>Counts since the last flush are lost if the process dies: the refusals were answered without
 * waiting for the log, which is what keeps a flood cheap.
 */
public final class RefusalSummaries {
  private record Key(String code, String source) {}

  private final Clock clock;
  private final int maxSources;
  private Map<Key, LongAdder> counts = new HashMap<>();
  private Instant windowStart;

  public RefusalSummaries(Clock clock, int maxSources) {
    this.clock = clock;
    this.maxSources = maxSources;
    this.windowStart = clock.instant();
  }

  /** Counts one refusal. Cheap and never blocks on I/O. */
  public synchronized void count(String code, String source) {
    Key k = new Key(code, source);
    LongAdder a = counts.get(k);
    if (a == null) {
      if (counts.size() >= maxSources) {
        k = new Key(code, "other");
      }
      a = counts.computeIfAbsent(k, x -> new LongAdder());
    }
    a.increment();
  }

  /**
   * Writes one entry per (reason, source) counted since the last flush, and starts a new window.
   */
  public void flush(Entries entries, GroupCommitLog log) {
    Map<Key, LongAdder> taken;
    Instant start;
    Instant end;
    synchronized (this) {
      if (counts.isEmpty()) {
        windowStart = clock.instant();
        return;
      }
      taken = counts;
      counts = new HashMap<>();
      start = windowStart;
      end = clock.instant();
      windowStart = end;
    }
    taken.entrySet().stream()
        .sorted(
            Map.Entry.comparingByKey(
                java.util.Comparator.comparing(Key::code).thenComparing(Key::source)))
        .forEach(
            e ->
                log.submit(
                    PendingEntry.of(
                        entries.refusalSummary(
                            start,
                            end,
                            e.getKey().code(),
                            e.getKey().source(),
                            e.getValue().sum()))));
  }
}
