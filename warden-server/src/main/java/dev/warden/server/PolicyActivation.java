package dev.warden.server;

import dev.warden.error.RequestRejected;
import dev.warden.log.Entries;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.PendingEntry;
import dev.warden.policy.Policy;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.store.PolicyStore;
import dev.warden.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The active policy and how it changes (SPEC §7). A policy takes effect only after its {@code
 * policy} entry, carrying the full text, is durable in the log, so every decision's {@code
 * policy_hash} names a text the log holds; the text is also kept in the store by hash for {@code
 * warden policy explain --decision}. A policy that fails to load is never activated, and the old
 * one stays.
 *
 * <p>The data directory's policy file is rewritten (atomically: a temporary file, fsync, rename)
 * before the entry is logged, so a restart starts with the newest activated policy. A crash between
 * the two is harmless: every start logs the activation of the file's policy again.
 */
public final class PolicyActivation implements Supplier<Policy> {

  /** What an activation did. */
  public enum Outcome {
    /** The policy is now active. */
    ACTIVATED,
    /** The policy was already active; nothing was logged or changed. */
    UNCHANGED
  }

  private final PolicyStore store;
  private final GroupCommitLog log;
  private final Entries entries;
  private final Clock clock;
  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Policy active;

  private PolicyActivation(
      Policy initial, PolicyStore store, GroupCommitLog log, Entries entries, Clock clock, Path f) {
    this.active = initial;
    this.store = store;
    this.log = log;
    this.entries = entries;
    this.clock = clock;
    this.file = f;
  }

  /**
   * Activates {@code initial}, the policy read from {@code file} at start, logging it as activated
   * by {@code warden}.
   */
  public static PolicyActivation start(
      Policy initial,
      PolicyStore store,
      GroupCommitLog log,
      Entries entries,
      Clock clock,
      Path file)
      throws StoreException, RequestRejected {
    PolicyActivation a = new PolicyActivation(initial, store, log, entries, clock, file);
    a.record(initial, "warden");
    return a;
  }

  @Override
  public Policy get() {
    return active;
  }

  /**
   * Checks and activates {@code text} on behalf of {@code operator}.
   *
   * @throws PolicyException if the text is not a valid policy; nothing changes
   * @throws IOException if the policy file cannot be rewritten; nothing changes
   * @throws RequestRejected if the log cannot be written; the file is restored, nothing changes
   */
  public Outcome activate(String text, String operator)
      throws PolicyException, IOException, StoreException, RequestRejected {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(operator, "operator");
    Policy next = PolicyLoader.load(text);
    lock.lock();
    try {
      Policy previous = active;
      if (next.hash().equals(previous.hash())) {
        return Outcome.UNCHANGED;
      }
      writeAtomically(file, next.text());
      try {
        record(next, operator);
      } catch (StoreException | RequestRejected | RuntimeException e) {
        writeAtomically(file, previous.text());
        throw e;
      }
      active = next;
      return Outcome.ACTIVATED;
    } finally {
      lock.unlock();
    }
  }

  private void record(Policy p, String operator) throws StoreException, RequestRejected {
    store.save(p.hash(), p.text(), clock.instant());
    log.append(PendingEntry.of(entries.policy(clock.instant(), operator, p.hash(), p.text())));
  }

  /** Replaces {@code target} with {@code text} so that a crash leaves the old or the new file. */
  static void writeAtomically(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
