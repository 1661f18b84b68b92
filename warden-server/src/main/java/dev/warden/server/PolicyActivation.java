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
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Replicas on one database behave as one Warden: after its entry is logged, an activation is
 * marked active in the store, and every replica follows the store's active policy ({@link #follow},
 * from housekeeping every 2 s). At start, a policy file holding a policy the store has kept before
 * but that is not the active one is a stale copy (another replica activated a newer policy since):
 * the store's active policy is taken instead and the file rewritten. A file holding a policy the
 * store has never seen is an operator's edit, and is activated.
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
  private static final Logger logger = LoggerFactory.getLogger(PolicyActivation.class);

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
   * by {@code warden} — unless it is a stale copy of a policy activated before, in which case the
   * store's active policy is taken and the file rewritten (see the class description).
   */
  public static PolicyActivation start(
      Policy initial,
      PolicyStore store,
      GroupCommitLog log,
      Entries entries,
      Clock clock,
      Path file)
      throws StoreException, RequestRejected {
    Optional<String> current = store.activeHash();
    if (current.isPresent()
        && !current.get().equals(initial.hash())
        && store.text(initial.hash()).isPresent()
        && !store.savedSinceActivation(initial.hash())) {
      Policy active = stored(store, current.get());
      PolicyActivation a = new PolicyActivation(active, store, log, entries, clock, file);
      a.adopt(active);
      logger.warn(
          "{} holds policy {}, activated before; the active policy is {} (activated since,"
              + " here or by another replica): using it and rewriting the file. To go back to"
              + " the older policy, activate it: warden policy activate FILE",
          file,
          initial.hash(),
          active.hash());
      return a;
    }
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

  /**
   * Keeps the text, logs the activation, then marks it active for every replica. Should the last
   * step fail, the activation is logged but not in effect anywhere (each decision names the policy
   * that made it); activating again completes it.
   */
  private void record(Policy p, String operator) throws StoreException, RequestRejected {
    store.save(p.hash(), p.text(), clock.instant());
    log.append(PendingEntry.of(entries.policy(clock.instant(), operator, p.hash(), p.text())));
    store.activate(p.hash(), clock.instant());
  }

  /**
   * Takes the store's active policy if another replica activated one since (from housekeeping).
   * Nothing is logged: the activating replica logged it.
   *
   * @return whether the active policy changed
   */
  public boolean follow() throws StoreException {
    Optional<String> current = store.activeHash();
    if (current.isEmpty() || current.get().equals(active.hash())) {
      return false;
    }
    lock.lock();
    try {
      Optional<String> again = store.activeHash();
      if (again.isEmpty() || again.get().equals(active.hash())) {
        return false;
      }
      adopt(stored(store, again.get()));
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void adopt(Policy p) {
    try {
      writeAtomically(file, p.text());
    } catch (IOException e) {
      logger.warn(
          "could not rewrite {} with the active policy {}: {}", file, p.hash(), e.toString());
    }
    active = p;
  }

  /** The kept policy {@code hash}, loaded; a kept text that no longer loads is corrupt. */
  private static Policy stored(PolicyStore store, String hash) throws StoreException {
    String text =
        store
            .text(hash)
            .orElseThrow(
                () ->
                    new StoreException(
                        StoreException.Kind.CORRUPT, "the active policy " + hash + " is not kept"));
    try {
      return PolicyLoader.load(text);
    } catch (PolicyException e) {
      throw new StoreException(
          StoreException.Kind.CORRUPT,
          "the active policy " + hash + " no longer loads: " + e.getMessage());
    }
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
