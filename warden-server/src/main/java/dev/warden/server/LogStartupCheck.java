package dev.warden.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.log.MerkleFrontier;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Before Warden appends anything, the log it found must be the log it signed: the latest stored
 * checkpoint verifies with the checkpoint key and commits to exactly the stored head. Otherwise the
 * database was edited, truncated or swapped, and appending — and signing a new checkpoint — would
 * paper over it; Warden refuses to start and says to run {@code warden audit verify}.
 */
public final class LogStartupCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogStartupCheck() {}

  /**
   * @param keys the checkpoint keys the latest checkpoint may be signed with: the active one and
   *     those a rotation retired (the latest checkpoint may predate the first batch of a new key),
   *     never one revoked as compromised
   */
  public static void check(LogStore log, List<NoteVerifierKey> keys)
      throws StoreException, WardenServer.StartupException {
    // The checkpoint first, then the head: another replica may append in between (a checkpoint is
    // stored with its entries), and the head read second is then larger, never smaller.
    Optional<StoredCheckpoint> latest = log.latestCheckpoint();
    LogHead head = log.head();
    if (latest.isEmpty()) {
      if (head.size() > 0) {
        throw refuse("the log has " + head.size() + " entries but no signed checkpoint");
      }
      return;
    }
    Checkpoint cp;
    try {
      cp = Checkpoint.open(latest.get().note(), keys);
    } catch (NoteException e) {
      throw refuse(
          "the latest checkpoint does not verify with the checkpoint key (" + e.getMessage() + ")");
    }
    if (cp.size() != latest.get().size()) {
      throw refuse(
          "the checkpoint stored for size " + latest.get().size() + " says size " + cp.size());
    }
    if (cp.size() > head.size()) {
      throw refuse(
          "the log has "
              + head.size()
              + " entries but a signed checkpoint of size "
              + cp.size()
              + ": entries were removed");
    }
    if (cp.size() == head.size()) {
      byte[] root = MerkleFrontier.restore(head.size(), head.state()).root();
      if (!MessageDigest.isEqual(root, cp.root())) {
        throw refuse("the log's head does not match its latest signed checkpoint");
      }
    }
  }

  /** The {@code ts} of the log's last entry, or null if the log is empty or it cannot be read. */
  public static @Nullable Instant newestEntryTime(LogStore log) {
    try {
      long size = log.head().size();
      if (size == 0) {
        return null;
      }
      List<StoredEntry> last = log.read(size - 1, size);
      if (last.isEmpty()) {
        return null;
      }
      String ts = JSON.readTree(last.get(0).entry()).path("ts").asText("");
      return ts.isEmpty() ? null : Instant.parse(ts);
    } catch (StoreException | IOException | RuntimeException e) {
      return null;
    }
  }

  private static WardenServer.StartupException refuse(String what) {
    return new WardenServer.StartupException(
        "refusing to start: "
            + what
            + ". The log may have been tampered with; run 'warden audit verify' on the data directory"
            + " to locate the damage.");
  }
}
