package dev.warden.auth;

import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.AgentStore;
import dev.warden.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An {@link AgentStore} in memory, for the authenticator's tests (SQLite lives downstream). */
final class InMemoryAgentStore implements AgentStore {
  private final Map<String, AgentRecord> agents = new TreeMap<>();

  @Override
  public synchronized void create(AgentRecord agent) throws StoreException {
    if (agents.putIfAbsent(agent.id(), agent) != null) {
      throw new StoreException(StoreException.Kind.CONFLICT, "agent " + agent.id() + " exists");
    }
  }

  @Override
  public synchronized Optional<AgentRecord> find(String id) {
    return Optional.ofNullable(agents.get(id));
  }

  @Override
  public synchronized List<AgentRecord> list() {
    return List.copyOf(agents.values());
  }

  @Override
  public synchronized void updateStatus(String id, AgentStatus status, Instant at)
      throws StoreException {
    AgentRecord a = get(id);
    agents.put(
        id, new AgentRecord(id, a.tenant(), status, a.labels(), a.keys(), a.createdAt(), at));
  }

  @Override
  public synchronized void addKey(String agentId, AgentKey key) throws StoreException {
    AgentRecord a = get(agentId);
    List<AgentKey> keys = new ArrayList<>(a.keys());
    keys.add(key);
    agents.put(
        agentId,
        new AgentRecord(
            agentId, a.tenant(), a.status(), a.labels(), keys, a.createdAt(), key.createdAt()));
  }

  @Override
  public synchronized void revokeKey(String agentId, String keyId, Instant at)
      throws StoreException {
    AgentRecord a = get(agentId);
    List<AgentKey> keys = new ArrayList<>();
    for (AgentKey k : a.keys()) {
      keys.add(
          k.keyId().equals(keyId) && !k.revoked()
              ? new AgentKey(k.keyId(), k.algorithm(), k.material(), k.createdAt(), at)
              : k);
    }
    agents.put(
        agentId,
        new AgentRecord(agentId, a.tenant(), a.status(), a.labels(), keys, a.createdAt(), at));
  }

  private AgentRecord get(String id) throws StoreException {
    AgentRecord a = agents.get(id);
    if (a == null) {
      throw new StoreException(StoreException.Kind.NOT_FOUND, "no agent " + id);
    }
    return a;
  }
}
