package dev.warden.store.postgresql;

import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.AgentStore;
import dev.warden.store.KeyAlgorithm;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.jdbc.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Agents in {@code agents}, their keys in {@code agent_keys}. A revoked agent is final: any change
 * to it (status, a key added or revoked) is a {@code CONFLICT}; setting it revoked again is not a
 * change. Across replicas: creating is one {@code INSERT … ON CONFLICT DO NOTHING} (the row count
 * says whether the id was free); every other change first locks the agent's row ({@code SELECT …
 * FOR UPDATE}), so a status change and a key change on two replicas happen one after the other and
 * each sees the other's result.
 */
final class PostgresAgentStore implements AgentStore {
  private static final String KEY_COLUMNS =
      "agent_id, key_id, algorithm, material, created_at, revoked_at";

  private final Database db;

  PostgresAgentStore(Database db) {
    this.db = db;
  }

  @Override
  public void create(AgentRecord agent) throws StoreException {
    Objects.requireNonNull(agent, "agent");
    db.write(
        "creating agent " + agent.id(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO agents (id, tenant, status, labels, created_at, updated_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            p.setString(1, agent.id());
            p.setString(2, agent.tenant());
            p.setString(3, agent.status().wire());
            p.setString(4, Json.labels(agent.labels()));
            p.setLong(5, agent.createdAt().toEpochMilli());
            p.setLong(6, agent.updatedAt().toEpochMilli());
            if (p.executeUpdate() != 1) {
              throw new StoreException(Kind.CONFLICT, "agent " + agent.id() + " exists");
            }
          }
          Set<String> keyIds = new HashSet<>();
          for (AgentKey k : agent.keys()) {
            if (!keyIds.add(k.keyId())) {
              throw new StoreException(
                  Kind.CONFLICT, "agent " + agent.id() + " has key " + k.keyId() + " twice");
            }
          }
          insertKeys(c, agent.id(), agent.keys());
          return null;
        });
  }

  @Override
  public Optional<AgentRecord> find(String id) throws StoreException {
    Objects.requireNonNull(id, "id");
    return db.snapshot(
        "reading agent " + id,
        c -> {
          List<AgentRecord> found = select(c, id);
          return found.stream().findFirst();
        });
  }

  @Override
  public List<AgentRecord> list() throws StoreException {
    return db.snapshot("listing agents", c -> select(c, null));
  }

  @Override
  public void updateStatus(String id, AgentStatus status, Instant at) throws StoreException {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    db.write(
        "changing the status of agent " + id,
        c -> {
          AgentStatus now = existing(c, id);
          if (now == status) {
            return null;
          }
          requireNotRevoked(id, now);
          try (PreparedStatement p =
              c.prepareStatement("UPDATE agents SET status = ?, updated_at = ? WHERE id = ?")) {
            p.setString(1, status.wire());
            p.setLong(2, at.toEpochMilli());
            p.setString(3, id);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void addKey(String agentId, AgentKey key) throws StoreException {
    Objects.requireNonNull(key, "key");
    db.write(
        "adding key " + key.keyId() + " to agent " + agentId,
        c -> {
          requireNotRevoked(agentId, existing(c, agentId));
          if (!insertKey(c, agentId, key)) {
            throw new StoreException(
                Kind.CONFLICT, "agent " + agentId + " already has key " + key.keyId());
          }
          touch(c, agentId, key.createdAt());
          return null;
        });
  }

  @Override
  public void revokeKey(String agentId, String keyId, Instant at) throws StoreException {
    Objects.requireNonNull(at, "at");
    db.write(
        "revoking key " + keyId + " of agent " + agentId,
        c -> {
          AgentStatus status = existing(c, agentId);
          Boolean revoked = null;
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT revoked_at IS NOT NULL FROM agent_keys"
                      + " WHERE agent_id = ? AND key_id = ?")) {
            p.setString(1, agentId);
            p.setString(2, keyId);
            try (ResultSet r = p.executeQuery()) {
              if (r.next()) {
                revoked = r.getBoolean(1);
              }
            }
          }
          if (revoked == null) {
            throw new StoreException(Kind.NOT_FOUND, "agent " + agentId + " has no key " + keyId);
          }
          if (revoked) {
            return null;
          }
          requireNotRevoked(agentId, status);
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE agent_keys SET revoked_at = ? WHERE agent_id = ? AND key_id = ?")) {
            p.setLong(1, at.toEpochMilli());
            p.setString(2, agentId);
            p.setString(3, keyId);
            p.executeUpdate();
          }
          touch(c, agentId, at);
          return null;
        });
  }

  private static void requireNotRevoked(String id, AgentStatus status) throws StoreException {
    if (status == AgentStatus.REVOKED) {
      throw new StoreException(Kind.CONFLICT, "agent " + id + " is revoked; that is final");
    }
  }

  private static AgentStatus existing(Connection c, String id) throws SQLException, StoreException {
    AgentStatus s = status(c, id);
    if (s == null) {
      throw new StoreException(Kind.NOT_FOUND, "no agent " + id);
    }
    return s;
  }

  /** The agent's status, its row locked until the transaction ends; null without the agent. */
  private static @Nullable AgentStatus status(Connection c, String id)
      throws SQLException, StoreException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT status FROM agents WHERE id = ? FOR UPDATE")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next()
            ? Rows.read(r, "agents", row -> AgentStatus.fromWire(row.getString(1)))
            : null;
      }
    }
  }

  private static void touch(Connection c, String id, Instant at) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("UPDATE agents SET updated_at = ? WHERE id = ?")) {
      p.setLong(1, at.toEpochMilli());
      p.setString(2, id);
      p.executeUpdate();
    }
  }

  /** False if the agent has a key with this id already. */
  private static boolean insertKey(Connection c, String agentId, AgentKey k) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO agent_keys ("
                + KEY_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id, key_id) DO NOTHING")) {
      bindKey(p, agentId, k);
      return p.executeUpdate() == 1;
    }
  }

  private static void bindKey(PreparedStatement p, String agentId, AgentKey k) throws SQLException {
    p.setString(1, agentId);
    p.setString(2, k.keyId());
    p.setString(3, k.algorithm().wire());
    p.setBytes(4, k.material());
    p.setLong(5, k.createdAt().toEpochMilli());
    Rows.setNullableInstant(p, 6, k.revokedAt());
  }

  private static void insertKeys(Connection c, String agentId, List<AgentKey> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO agent_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
      for (AgentKey k : keys) {
        bindKey(p, agentId, k);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** Agents (all, or the one {@code id} names) with their keys, ordered by id. */
  private static List<AgentRecord> select(Connection c, @Nullable String id)
      throws SQLException, StoreException {
    Map<String, List<AgentKey>> keys = new HashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + KEY_COLUMNS
                + " FROM agent_keys"
                + (id == null ? "" : " WHERE agent_id = ?")
                + " ORDER BY agent_id, created_at, key_id")) {
      if (id != null) {
        p.setString(1, id);
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          AgentKey k =
              Rows.read(
                  r,
                  "agent_keys",
                  row ->
                      new AgentKey(
                          row.getString("key_id"),
                          KeyAlgorithm.fromWire(row.getString("algorithm")),
                          row.getBytes("material"),
                          Rows.instant(row, "created_at"),
                          Rows.nullableInstant(row, "revoked_at")));
          keys.computeIfAbsent(r.getString("agent_id"), x -> new ArrayList<>()).add(k);
        }
      }
    }
    List<AgentRecord> agents = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT id, tenant, status, labels, created_at, updated_at FROM agents"
                + (id == null ? "" : " WHERE id = ?")
                + " ORDER BY id")) {
      if (id != null) {
        p.setString(1, id);
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          agents.add(
              Rows.read(
                  r,
                  "agents",
                  row ->
                      new AgentRecord(
                          row.getString("id"),
                          row.getString("tenant"),
                          AgentStatus.fromWire(row.getString("status")),
                          Json.labels(row.getString("labels")),
                          keys.getOrDefault(row.getString("id"), List.of()),
                          Rows.instant(row, "created_at"),
                          Rows.instant(row, "updated_at"))));
        }
      }
    }
    return agents;
  }
}
