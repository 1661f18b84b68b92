package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AgentStore} that keeps the agents it has read in memory, so authenticating a request
 * costs no query. Correct only when every change to the agents goes through this object (one
 * process owns the store, as with SQLite's exclusive lock): each change drops the agent at once,
 * and a read that raced with a change is not kept. At most {@code maxAgents} are kept; past that
 * the cache starts over. Thread-safe.
 */
public final class CachedAgentStore implements AgentStore {
  private final AgentStore store;
  private final int maxAgents;
  private final Map<String, AgentRecord> cache = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();

  public CachedAgentStore(AgentStore store, int maxAgents) {
    this.store = store;
    this.maxAgents = maxAgents;
  }

  @Override
  public Optional<AgentRecord> find(String id) throws StoreException {
    AgentRecord cached = cache.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    long before = changes.get();
    Optional<AgentRecord> read = store.find(id);
    if (read.isPresent() && changes.get() == before) {
      if (cache.size() >= maxAgents) {
        cache.clear();
      }
      cache.put(id, read.get());
    }
    return read;
  }

  @Override
  public void create(AgentRecord agent) throws StoreException {
    try {
      store.create(agent);
    } finally {
      changed(agent.id());
    }
  }

  @Override
  public List<AgentRecord> list() throws StoreException {
    return store.list();
  }

  @Override
  public void updateStatus(String id, AgentStatus status, Instant at) throws StoreException {
    try {
      store.updateStatus(id, status, at);
    } finally {
      changed(id);
    }
  }

  @Override
  public void addKey(String agentId, AgentKey key) throws StoreException {
    try {
      store.addKey(agentId, key);
    } finally {
      changed(agentId);
    }
  }

  @Override
  public void revokeKey(String agentId, String keyId, Instant at) throws StoreException {
    try {
      store.revokeKey(agentId, keyId, at);
    } finally {
      changed(agentId);
    }
  }

  /** Counts the change first, then drops the agent: a read racing with it is never kept. */
  private void changed(String id) {
    changes.incrementAndGet();
    cache.remove(id);
  }
}
