package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.budget.Window;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.note.NoteSigner;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.store.ApprovalState;
import dev.warden.store.ExpiredReservation;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.StoreException;
import dev.warden.store.StoredEntry;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link CrashTrial} reads from the database between a kill and the restart, and what it
 * checks there: the log is contiguous, its Merkle frontier is the stored head, the log before the
 * round is unchanged, and every answered decision is where its answer said.
 */
final class CrashLog {
  private CrashLog() {}

  static final class LogSnapshot {
    final LogHead head;
    final List<StoredEntry> entries;
    final List<JsonNode> parsed;
    final Set<String> liveNonces;

    /** The trial budget's counter (reserved plus committed), in minor units. */
    final long budgetUsed;

    /** The ids of reservations still RESERVED. */
    final Set<String> reserved;

    /** Each answered escalation's approval state, by decision id (absent: not stored). */
    final Map<String, ApprovalState> approvals;

    /** The hash of the last {@code policy} entry. */
    final String lastPolicyHash;

    /** How many minor units are reserved for decisions that are not in the log. */
    long reservedUnlogged;

    LogSnapshot(
        LogHead head,
        List<StoredEntry> entries,
        List<JsonNode> parsed,
        Set<String> liveNonces,
        long budgetUsed,
        Set<String> reserved,
        Map<String, ApprovalState> approvals) {
      this.head = head;
      this.entries = entries;
      this.parsed = parsed;
      this.liveNonces = liveNonces;
      this.budgetUsed = budgetUsed;
      this.reserved = reserved;
      this.approvals = approvals;
      String last = "";
      for (JsonNode p : parsed) {
        if (p.path("kind").asText().equals("policy")) {
          last = p.path("policy_hash").asText();
        }
      }
      this.lastPolicyHash = last;
    }
  }

  static LogSnapshot readLog(DataDir data, List<CrashLoad.Sent> answered, String at)
      throws IOException {
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
        parsed.add(CrashLoad.JSON.readTree(e.entry()));
      }
      Set<String> nonces = new HashSet<>();
      for (NonceRecord n : store.log().liveNonces(clock.instant())) {
        if (n.agentId().equals(CrashTrial.AGENT)) {
          nonces.add(n.nonce());
        }
      }
      Instant now = clock.instant();
      String counter =
          "spend/agent/month/"
              + Window.MONTH.at(now, ZoneOffset.UTC).start()
              + "/"
              + CrashTrial.AGENT;
      Set<String> reserved = new HashSet<>();
      for (ExpiredReservation r :
          store.usage().expired(now.plus(Duration.ofDays(3650)), Integer.MAX_VALUE)) {
        reserved.add(r.reservationId());
      }
      Map<String, ApprovalState> approvals = new HashMap<>();
      for (CrashLoad.Sent s : answered) {
        if ((s.kind == CrashLoad.Kind.ESCALATE || s.kind == CrashLoad.Kind.ESCALATE_BRIEF)
            && s.decisionId != null) {
          String id = s.decisionId;
          store.approvals().find(id).ifPresent(a -> approvals.put(id, a.state()));
        }
      }
      return new LogSnapshot(
          head, entries, parsed, nonces, store.usage().used(counter), reserved, approvals);
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
      // Executions and approval steps name the decision they belong to; decisions and refusals
      // are the ones that make an id.
      String kind = p.path("kind").asText();
      if ((kind.equals("decision") || kind.equals("refusal")) && p.hasNonNull("decision_id")) {
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
  static void checkAnsweredInLog(LogSnapshot log, List<CrashLoad.Sent> answered, String at) {
    for (CrashLoad.Sent s : answered) {
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
      assertThat(e.path("decision").asText()).as(what).isEqualTo(s.kind.decision);
      assertThat(e.path("agent").asText()).as(what).isEqualTo(CrashTrial.AGENT);
    }
  }

  /**
   * The state beside the log agrees with it: the budget's counter is 1.00 USD per logged allow of
   * {@code payments.*} plus 1.00 per reservation of a decision that never reached the log; each
   * answered escalation is pending (one with a 2 s TTL may be expired, with exactly one log entry);
   * each answered activation is logged; each decision's policy was logged before it; each answered
   * action's execution is logged as succeeded, and no action reached the upstream twice.
   */
  static void checkState(
      LogSnapshot log,
      List<CrashLoad.Sent> answered,
      Set<String> activations,
      Map<String, Integer> upstreamOps,
      String at) {
    long allowed = 0;
    Set<String> logged = new HashSet<>();
    Set<String> policies = new HashSet<>();
    Map<String, String> executions = new HashMap<>();
    Map<String, Integer> expiries = new HashMap<>();
    for (int i = 0; i < log.parsed.size(); i++) {
      JsonNode p = log.parsed.get(i);
      switch (p.path("kind").asText()) {
        case "policy" -> policies.add(p.path("policy_hash").asText());
        case "approval" -> {
          if (p.path("step").asText().equals("expire")) {
            expiries.merge(p.path("decision_id").asText(), 1, Integer::sum);
          }
        }
        case "execution" ->
            executions.put(p.path("decision_id").asText(), p.path("outcome").asText());
        case "decision" -> {
          logged.add(p.path("decision_id").asText());
          assertThat(policies)
              .as("%s: entry %d decided under a policy logged before it: %s", at, i, p)
              .contains(p.path("policy_hash").asText());
          if (p.path("decision").asText().equals("allow")
              && p.path("action").asText().startsWith("payments.")) {
            allowed +=
                new BigDecimal(p.path("amount").path("value").asText())
                    .movePointRight(2)
                    .longValueExact();
          }
        }
        default -> {}
      }
    }
    long unlogged = 0;
    for (String id : log.reserved) {
      if (!logged.contains(id)) {
        unlogged += 100; // every request of the load charges 1.00 USD
      }
    }
    log.reservedUnlogged = unlogged;
    assertThat(log.budgetUsed)
        .as(
            "%s: budget used (reserved + committed) = %d for the logged allows + %d reserved for"
                + " decisions never logged",
            at, allowed, unlogged)
        .isEqualTo(allowed + unlogged);
    assertThat(policies).as("%s: every answered activation is logged", at).containsAll(activations);
    for (CrashLoad.Sent s : answered) {
      if (s.kind == CrashLoad.Kind.ESCALATE || s.kind == CrashLoad.Kind.ESCALATE_BRIEF) {
        ApprovalState state = log.approvals.get(s.decisionId);
        String what = at + ": approval of answered escalation " + s + ", " + state;
        assertThat(state)
            .as(what)
            .isIn(
                s.kind == CrashLoad.Kind.ESCALATE
                    ? List.of(ApprovalState.PENDING)
                    : List.of(ApprovalState.PENDING, ApprovalState.EXPIRED));
        assertThat(expiries.getOrDefault(s.decisionId, 0))
            .as("%s: its expiry is logged exactly when it expired, once", what)
            .isEqualTo(state == ApprovalState.EXPIRED ? 1 : 0);
      } else if (s.kind == CrashLoad.Kind.ACT) {
        assertThat(executions.get(s.decisionId))
            .as("%s: execution of answered action %s", at, s.decisionId)
            .isEqualTo("succeeded");
      }
    }
    upstreamOps.forEach(
        (op, n) -> assertThat(n).as("%s: the upstream ran op %s %d times", at, op, n).isOne());
  }
}
