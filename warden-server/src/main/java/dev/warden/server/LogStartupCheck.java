package dev.warden.server;

import dev.warden.log.MerkleFrontier;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Before Warden appends anything, the log it found must be the log it signed: the latest stored
 * checkpoint verifies with the checkpoint key and commits to exactly the stored head. Otherwise the
 * database was edited, truncated or swapped, and appending — and signing a new checkpoint — would
 * paper over it; Warden refuses to start and says to run {@code warden audit verify}.
 */
final class LogStartupCheck {
  private LogStartupCheck() {}

  /**
   * @param keys the checkpoint keys the latest checkpoint may be signed with: the active one and
   *     those a rotation retired (the latest checkpoint may predate the first batch of a new key),
   *     never one revoked as compromised
   */
  static void check(LogStore log, List<NoteVerifierKey> keys)
      throws StoreException, WardenServer.StartupException {
    LogHead head = log.head();
    Optional<StoredCheckpoint> latest = log.latestCheckpoint();
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

  private static WardenServer.StartupException refuse(String what) {
    return new WardenServer.StartupException(
        "refusing to start: "
            + what
            + ". The log may have been tampered with; run 'warden audit verify' on the data directory"
            + " to locate the damage.");
  }
}
