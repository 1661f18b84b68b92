package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Registered agents and their keys. */
public interface AgentStore {

  /**
   * Registers a new agent with its keys.
   *
   * @throws StoreException {@code CONFLICT} if the id is taken
   */
  void create(AgentRecord agent) throws StoreException;

  Optional<AgentRecord> find(String id) throws StoreException;

  /** All agents, ordered by id. */
  List<AgentRecord> list() throws StoreException;

  /**
   * Sets the status. A revoked agent stays revoked: changing it throws {@code CONFLICT}.
   *
   * @throws StoreException {@code NOT_FOUND} if there is no such agent
   */
  void updateStatus(String id, AgentStatus status, Instant at) throws StoreException;

  /**
   * Adds a key.
   *
   * @throws StoreException {@code NOT_FOUND} without the agent, {@code CONFLICT} if the key id is
   *     taken within the agent
   */
  void addKey(String agentId, AgentKey key) throws StoreException;

  /**
   * Marks a key revoked from {@code at}; revoking a revoked key changes nothing.
   *
   * @throws StoreException {@code NOT_FOUND} without the agent or key
   */
  void revokeKey(String agentId, String keyId, Instant at) throws StoreException;
}
