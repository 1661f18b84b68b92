package dev.warden.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.store.ApprovalChange;
import dev.warden.store.ApprovalWrite;
import dev.warden.store.BatchSealer;
import dev.warden.store.DecisionRef;
import dev.warden.store.ExecutionChange;
import dev.warden.store.ExecutionWrite;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogHead;
import dev.warden.store.NonceRecord;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BatchSealer} for tests: {@code count} entries numbered from the head it is given, whose
 * head state is a SHA-256 chain over every entry so far — so a batch sealed against a stale head, a
 * lost entry or a reordered log shows up in {@link #verify}.
 */
public final class ChainBatch implements BatchSealer {
  private final int count;
  private final String tag;
  private final List<NonceRecord> nonces = new ArrayList<>();
  private final List<IdempotencyRecord> idempotency = new ArrayList<>();
  private final List<String[]> decisions = new ArrayList<>();
  private final List<ApprovalChange> approvalChanges = new ArrayList<>();
  private final List<Integer> approvalOffsets = new ArrayList<>();
  private final List<ExecutionChange> executionChanges = new ArrayList<>();
  private final List<Integer> executionOffsets = new ArrayList<>();
  private volatile @Nullable LogHead sealedAgainst;

  private ChainBatch(int count, String tag) {
    this.count = count;
    this.tag = tag;
  }

  /** {@code count} entries, each {@code {"i":<index>,"t":"<tag>-<n>"}}. */
  public static ChainBatch of(int count, String tag) {
    return new ChainBatch(count, tag);
  }

  public ChainBatch nonce(NonceRecord n) {
    nonces.add(n);
    return this;
  }

  public ChainBatch idempotency(IdempotencyRecord r) {
    idempotency.add(r);
    return this;
  }

  /** A reference from {@code decisionId} to the entry at {@code offset} within this batch. */
  public ChainBatch decision(String decisionId, String agentId, int offset) {
    decisions.add(new String[] {decisionId, agentId, Integer.toString(offset)});
    return this;
  }

  /** An execution change recorded by the entry at {@code offset} within this batch. */
  public ChainBatch execution(ExecutionChange change, int offset) {
    executionChanges.add(change);
    executionOffsets.add(offset);
    return this;
  }

  /** An approval change recorded by the entry at {@code offset} within this batch. */
  public ChainBatch approval(ApprovalChange change, int offset) {
    approvalChanges.add(change);
    approvalOffsets.add(offset);
    return this;
  }

  @Override
  public SealedBatch seal(LogHead head) {
    sealedAgainst = head;
    byte[] state = head.state();
    List<StoredEntry> entries = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      long index = head.size() + n;
      byte[] entry = entry(index, tag + "-" + n);
      entries.add(new StoredEntry(index, entry));
      state = chain(state, entry);
    }
    List<DecisionRef> refs = new ArrayList<>();
    for (String[] d : decisions) {
      refs.add(new DecisionRef(d[0], d[1], head.size() + Integer.parseInt(d[2])));
    }
    List<ApprovalWrite> approvals = new ArrayList<>();
    for (int i = 0; i < approvalChanges.size(); i++) {
      approvals.add(
          new ApprovalWrite(head.size() + approvalOffsets.get(i), approvalChanges.get(i)));
    }
    List<ExecutionWrite> executions = new ArrayList<>();
    for (int i = 0; i < executionChanges.size(); i++) {
      executions.add(
          new ExecutionWrite(head.size() + executionOffsets.get(i), executionChanges.get(i)));
    }
    return new SealedBatch(
        new LogHead(head.size() + count, state),
        entries,
        nonces,
        idempotency,
        refs,
        List.of(),
        null,
        approvals,
        executions);
  }

  /** The head this batch was last sealed against, or null if it never was. */
  public @Nullable LogHead sealedAgainst() {
    return sealedAgainst;
  }

  public static byte[] entry(long index, String tag) {
    return ("{\"i\":" + index + ",\"t\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** The chained head state: SHA-256(previous state ‖ entry). */
  public static byte[] chain(byte[] state, byte[] entry) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(state);
      md.update(entry);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Asserts that {@code entries} are the whole log behind {@code head}: numbered 0, 1, … without a
   * gap, each naming its own index, and chaining to the head's state.
   */
  public static void verify(List<StoredEntry> entries, LogHead head) {
    assertThat(entries).hasSize(Math.toIntExact(head.size()));
    byte[] state = new byte[0];
    for (int i = 0; i < entries.size(); i++) {
      StoredEntry e = entries.get(i);
      assertThat(e.index()).as("index of entry %d", i).isEqualTo(i);
      assertThat(new String(e.entry(), StandardCharsets.UTF_8))
          .as("entry %d", i)
          .startsWith("{\"i\":" + i + ",");
      state = chain(state, e.entry());
    }
    assertThat(head.state()).as("head state chains over every entry").isEqualTo(state);
  }
}
