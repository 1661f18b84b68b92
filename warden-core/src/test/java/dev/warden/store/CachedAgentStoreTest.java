package dev.warden.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedAgentStoreTest {

  /** An in-memory agent store that counts reads, and can run a change in the middle of one. */
  static final class Counting implements AgentStore {
    final Map<String, AgentRecord> agents = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    Runnable duringRead = () -> {};

    @Override
    public void create(AgentRecord agent) {
      agents.put(agent.id(), agent);
    }

    @Override
    public Optional<AgentRecord> find(String id) {
      reads.incrementAndGet();
      Optional<AgentRecord> r = Optional.ofNullable(agents.get(id));
      Runnable r2 = duringRead;
      duringRead = () -> {};
      r2.run();
      return r;
    }

    @Override
    public List<AgentRecord> list() {
      return new ArrayList<>(agents.values());
    }

    @Override
    public void updateStatus(String id, AgentStatus status, Instant at) {
      AgentRecord a = agents.get(id);
      agents.put(
          id, new AgentRecord(a.id(), a.tenant(), status, a.labels(), a.keys(), a.createdAt(), at));
    }

    @Override
    public void addKey(String agentId, AgentKey key) {}

    @Override
    public void revokeKey(String agentId, String keyId, Instant at) {}
  }

  private static AgentRecord agent(String id) {
    return new AgentRecord(
        id, "t", AgentStatus.ACTIVE, Map.of(), List.of(), Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void readsOnce_andAChangeIsSeenAtOnce() throws Exception {
    Counting backing = new Counting();
    CachedAgentStore cached = new CachedAgentStore(backing, 10);
    cached.create(agent("ag-a"));

    cached.find("ag-a");
    cached.find("ag-a");
    assertThat(backing.reads).hasValue(1);

    cached.updateStatus("ag-a", AgentStatus.SUSPENDED, Instant.EPOCH);
    assertThat(cached.find("ag-a").orElseThrow().status()).isEqualTo(AgentStatus.SUSPENDED);
  }

  @Test
  void aReadThatRacedWithAChange_isNotKept() throws Exception {
    Counting backing = new Counting();
    CachedAgentStore cached = new CachedAgentStore(backing, 10);
    cached.create(agent("ag-a"));
    // The change lands after the read got the old record, before the read returns.
    backing.duringRead =
        () -> {
          try {
            cached.updateStatus("ag-a", AgentStatus.SUSPENDED, Instant.EPOCH);
          } catch (StoreException e) {
            throw new IllegalStateException(e);
          }
        };
    assertThat(cached.find("ag-a").orElseThrow().status()).isEqualTo(AgentStatus.ACTIVE);
    assertThat(cached.find("ag-a").orElseThrow().status())
        .as("the stale read was not kept")
        .isEqualTo(AgentStatus.SUSPENDED);
  }

  @Test
  void unknownAgents_areNotCached_andTheCacheIsBounded() throws Exception {
    Counting backing = new Counting();
    CachedAgentStore cached = new CachedAgentStore(backing, 2);
    assertThat(cached.find("nobody")).isEmpty();
    assertThat(cached.find("nobody")).isEmpty();
    assertThat(backing.reads).hasValue(2);
    for (String id : List.of("ag-a", "ag-b", "ag-c")) {
      cached.create(agent(id));
      cached.find(id);
    }
    backing.reads.set(0);
    cached.find("ag-c");
    assertThat(backing.reads).hasValue(0);
  }
}
