package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.NoteSigner;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link CrashTest} reads from the database between a kill and the restart, and what it checks
 * there: the log is contiguous, its Merkle frontier is the stored head, the log before the round is
 * unchanged, and every answered decision is where its answer said.
 */
final class CrashLog {
  private CrashLog() {}

  static final class LogSnapshot {
    final LogHead head;
    final List<StoredEntry> entries;
    final List<JsonNode> parsed;
    final Set<String> liveNonces;

    LogSnapshot(
        LogHead head, List<StoredEntry> entries, List<JsonNode> parsed, Set<String> liveNonces) {
      this.head = head;
      this.entries = entries;
      this.parsed = parsed;
      this.liveNonces = liveNonces;
    }
  }

  static LogSnapshot readLog(DataDir data, String at) throws IOException {
    Clock clock = Clock.systemUTC();
    try (SqliteStore store = SqliteStore.open(data.database(), clock)) {
      // The auditor a user would run: every leaf, the tree, every signed checkpoint.
      NoteVerifierKey key =
          new NoteSigner(
                  ServerConfig.load(data).origin(), data.loadKeys(TestKeys.PROTECTION).checkpoint())
              .verifierKey();
      AuditResult audit = LogAuditor.trusting(List.of(key)).audit(AuditSource.of(store.log()));
      assertThat(audit)
          .as("%s: audit of the log after the kill: %s", at, audit)
          .isInstanceOf(AuditResult.Clean.class);
      LogHead head = store.log().head();
      // Read past the head: an entry beyond it would be an inconsistency too.
      List<StoredEntry> entries = store.log().read(0, Long.MAX_VALUE);
      List<JsonNode> parsed = new ArrayList<>(entries.size());
      for (StoredEntry e : entries) {
        parsed.add(CrashTest.JSON.readTree(e.entry()));
      }
      Set<String> nonces = new HashSet<>();
      for (NonceRecord n : store.log().liveNonces(clock.instant())) {
        if (n.agentId().equals(CrashTest.AGENT)) {
          nonces.add(n.nonce());
        }
      }
      return new LogSnapshot(head, entries, parsed, nonces);
    } catch (StoreException e) {
      throw new AssertionError(at + ": the database does not reopen after the kill: " + e, e);
    }
  }

  /**
   * Entries numbered 0, 1, 2, … with nothing missing or beyond the head; the Merkle frontier
   * rebuilt from the entries equals the stored head; the log before this round is unchanged.
   */
  static void checkConsistent(LogSnapshot log, LogHead previous, String at) {
    assertThat(log.entries.size())
        .as("%s: entries stored vs head size", at)
        .isEqualTo(log.head.size());
    assertThat(log.head.size())
        .as("%s: the log only grows", at)
        .isGreaterThanOrEqualTo(previous.size());
    MerkleFrontier frontier = MerkleFrontier.empty();
    Map<String, Long> decisionIds = new HashMap<>();
    for (int i = 0; i < log.entries.size(); i++) {
      StoredEntry e = log.entries.get(i);
      assertThat(e.index()).as("%s: entry at position %d", at, i).isEqualTo(i);
      frontier.append(MerkleHasher.leafHash(e.entry()));
      if (frontier.size() == previous.size()) {
        assertThat(frontier.serialize())
            .as(
                "%s: the first %d entries (the log before this round) are unchanged",
                at, previous.size())
            .isEqualTo(previous.state());
      }
      JsonNode p = log.parsed.get(i);
      if (p.hasNonNull("decision_id")) {
        Long dup = decisionIds.put(p.path("decision_id").asText(), e.index());
        assertThat(dup)
            .as(
                "%s: decision_id %s logged twice (at %s and %d)",
                at, p.path("decision_id").asText(), dup, i)
            .isNull();
      }
    }
    assertThat(frontier.size()).isEqualTo(log.head.size());
    assertThat(frontier.serialize())
        .as(
            "%s: Merkle frontier rebuilt from %d entries vs the stored head",
            at, log.entries.size())
        .isEqualTo(log.head.state());
  }

  /**
   * Every decision answered so far (this round and before) is at the index it was answered with.
   */
  static void checkAnsweredInLog(LogSnapshot log, List<CrashTest.Sent> answered, String at) {
    for (CrashTest.Sent s : answered) {
      assertThat(s.logIndex)
          .as(
              "%s: answered decision %s at log_index %d, but the log has %d entries",
              at, s.decisionId, s.logIndex, log.entries.size())
          .isBetween(0L, log.entries.size() - 1L);
      JsonNode e = log.parsed.get((int) s.logIndex);
      String what =
          at + ": entry " + s.logIndex + " for answered decision " + s.decisionId + ": " + e;
      assertThat(e.path("kind").asText()).as(what).isEqualTo("decision");
      assertThat(e.path("decision_id").asText()).as(what).isEqualTo(s.decisionId);
      assertThat(e.path("decision").asText()).as(what).isEqualTo("allow");
      assertThat(e.path("agent").asText()).as(what).isEqualTo(CrashTest.AGENT);
    }
  }
}
