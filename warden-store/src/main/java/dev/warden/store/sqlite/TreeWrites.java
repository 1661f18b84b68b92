package dev.warden.store.sqlite;

import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.TreeNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Writes a batch's tree nodes and checkpoint; part of {@link LogAppend}'s transaction. */
final class TreeWrites {
  private TreeWrites() {}

  static void insertNodes(Connection c, List<TreeNode> nodes, Database db)
      throws SQLException, StoreException {
    if (nodes.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)")) {
      for (TreeNode n : nodes) {
        p.setInt(1, n.level());
        p.setLong(2, n.index());
        p.setBytes(3, n.hash());
        p.addBatch();
      }
      p.executeBatch();
    } catch (SQLException e) {
      if (SqliteErrors.isConstraint(e)) {
        // A completed node never changes: one that exists already means the head is behind.
        throw new StoreException(
            Kind.CORRUPT, "tree nodes of this batch already exist in " + db.path(), e);
      }
      throw e;
    }
  }

  static void insertCheckpoint(Connection c, @Nullable StoredCheckpoint cp, Database db)
      throws SQLException, StoreException {
    if (cp == null) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement("INSERT INTO checkpoints (size, note) VALUES (?, ?)")) {
      p.setLong(1, cp.size());
      p.setString(2, cp.note());
      p.executeUpdate();
    } catch (SQLException e) {
      if (SqliteErrors.isConstraint(e)) {
        throw new StoreException(
            Kind.CORRUPT,
            "a checkpoint of size " + cp.size() + " already exists in " + db.path(),
            e);
      }
      throw e;
    }
  }
}
