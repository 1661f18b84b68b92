package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A registered agent as stored.
 *
 * @param id {@code ^[a-z0-9][a-z0-9._-]{1,63}$} (SPEC §2)
 * @param labels free-form labels, for policy matching
 * @param keys every key the agent has had, revoked ones included, in creation order
 */
public record AgentRecord(
    String id,
    String tenant,
    AgentStatus status,
    Map<String, String> labels,
    List<AgentKey> keys,
    Instant createdAt,
    Instant updatedAt) {

  public static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,63}$");
  public static final Pattern TENANT = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

  public AgentRecord {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("agent id must match " + ID.pattern());
    }
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must match " + TENANT.pattern());
    }
    Objects.requireNonNull(status, "status");
    labels = Map.copyOf(labels);
    keys = List.copyOf(keys);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The key with this id, revoked or not. */
  public Optional<AgentKey> key(String keyId) {
    return keys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
  }
}
