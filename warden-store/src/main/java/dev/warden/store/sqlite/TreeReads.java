package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.TreeNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of tree nodes and checkpoints, for {@link SqliteLogStore}. */
final class TreeReads {
  private final Database db;

  TreeReads(Database db) {
    this.db = db;
  }

  /** All requested nodes in one snapshot, in request order. */
  List<TreeNode> nodes(List<TreeNode.Id> ids) throws StoreException {
    if (ids.isEmpty()) {
      return List.of();
    }
    return db.read(
        "reading tree nodes",
        c -> {
          // One statement for the whole proof: (level, idx) IN (VALUES (?, ?), ...).
          Map<TreeNode.Id, byte[]> found = new HashMap<>();
          String values = String.join(", ", java.util.Collections.nCopies(ids.size(), "(?, ?)"));
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT level, idx, hash FROM tree_nodes WHERE (level, idx) IN (VALUES "
                      + values
                      + ")")) {
            int i = 1;
            for (TreeNode.Id id : ids) {
              p.setInt(i++, id.level());
              p.setLong(i++, id.index());
            }
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                found.put(new TreeNode.Id(r.getInt(1), r.getLong(2)), r.getBytes(3));
              }
            }
          }
          List<TreeNode> out = new ArrayList<>(ids.size());
          for (TreeNode.Id id : ids) {
            byte[] h = found.get(id);
            if (h == null || h.length != 32) {
              throw new StoreException(
                  Kind.CORRUPT,
                  "tree node " + id.level() + "/" + id.index() + " is missing from " + db.path());
            }
            out.add(new TreeNode(id.level(), id.index(), h));
          }
          return out;
        });
  }

  Optional<StoredCheckpoint> latest() throws StoreException {
    return one("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", -1);
  }

  Optional<StoredCheckpoint> covering(long index) throws StoreException {
    return one("SELECT size, note FROM checkpoints WHERE size > ? ORDER BY size LIMIT 1", index);
  }

  List<StoredCheckpoint> from(long fromSize, int limit) throws StoreException {
    return db.read(
        "reading checkpoints",
        c -> {
          List<StoredCheckpoint> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?")) {
            p.setLong(1, fromSize);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.add(new StoredCheckpoint(r.getLong(1), r.getString(2)));
              }
            }
          }
          return out;
        });
  }

  private Optional<StoredCheckpoint> one(String sql, long arg) throws StoreException {
    return db.read(
        "reading a checkpoint",
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            if (arg >= 0) {
              p.setLong(1, arg);
            }
            try (ResultSet r = p.executeQuery()) {
              return r.next()
                  ? Optional.of(new StoredCheckpoint(r.getLong(1), r.getString(2)))
                  : Optional.<StoredCheckpoint>empty();
            }
          }
        });
  }
}
