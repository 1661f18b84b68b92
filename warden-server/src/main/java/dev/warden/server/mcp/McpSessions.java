package dev.warden.server.mcp;

import dev.warden.server.operator.AgentTokens;
import dev.warden.server.operator.CredentialEvents;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which agent and token own each MCP session, and the open streams of each: a session is used only
 * with the token that opened it, and suspending or revoking the agent, or revoking the token, cuts
 * its sessions at once — their ids stop working and their open streams are closed. Thread-safe.
 */
final class McpSessions implements CredentialEvents {
  private static final Logger log = LoggerFactory.getLogger(McpSessions.class);

  /** Sessions idle longer than this are forgotten when the table is full. */
  private static final Duration IDLE = Duration.ofHours(1);

  static final int MAX_SESSIONS = 100_000;

  private record Owner(String agentId, String tokenId) {}

  private final Map<String, Owner> owners = new ConcurrentHashMap<>();
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Map<AsyncContext, Owner> streams = new ConcurrentHashMap<>();

  /** Records that {@code caller} opened session {@code id}; false when the table is full. */
  boolean open(String id, AgentTokens.Caller caller, Instant now) {
    if (owners.size() >= MAX_SESSIONS) {
      forgetIdle(now);
      if (owners.size() >= MAX_SESSIONS) {
        return false;
      }
    }
    owners.put(id, owner(caller));
    seen.put(id, now);
    return true;
  }

  /**
   * Whether {@code caller} may use session {@code id}: it opened it and it was not cut. A session
   * Warden never saw (the SDK answers those with 404) is not the caller's either.
   */
  boolean owns(String id, AgentTokens.Caller caller, Instant now) {
    Owner o = owners.get(id);
    if (o == null || !o.equals(owner(caller))) {
      return false;
    }
    seen.put(id, now);
    return true;
  }

  void closed(String id) {
    owners.remove(id);
    seen.remove(id);
  }

  /** Remembers an open stream (an SSE answer or listening stream) of {@code caller}. */
  void stream(AsyncContext async, AgentTokens.Caller caller) {
    streams.put(async, owner(caller));
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            streams.remove(async);
          }

          @Override
          public void onTimeout(AsyncEvent event) {
            streams.remove(async);
          }

          @Override
          public void onError(AsyncEvent event) {
            streams.remove(async);
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
  }

  @Override
  public void agentCut(String agentId) {
    cut(o -> o.agentId().equals(agentId), "agent " + agentId);
  }

  @Override
  public void tokenRevoked(String tokenId) {
    cut(o -> o.tokenId().equals(tokenId), "token " + tokenId);
  }

  private void cut(java.util.function.Predicate<Owner> which, String whose) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    owners.forEach(
        (id, o) -> {
          if (which.test(o)) {
            ids.add(id);
          }
        });
    ids.forEach(this::closed);
    int closedStreams = 0;
    for (var e : streams.entrySet()) {
      if (which.test(e.getValue())) {
        streams.remove(e.getKey());
        try {
          e.getKey().complete();
          closedStreams++;
        } catch (IllegalStateException alreadyDone) {
          // completed meanwhile
        }
      }
    }
    if (!ids.isEmpty() || closedStreams > 0) {
      log.info("MCP: cut {} session(s) and {} stream(s) of {}", ids.size(), closedStreams, whose);
    }
  }

  private void forgetIdle(Instant now) {
    Instant before = now.minus(IDLE);
    seen.forEach(
        (id, at) -> {
          if (at.isBefore(before)) {
            closed(id);
          }
        });
  }

  private static Owner owner(AgentTokens.Caller c) {
    return new Owner(c.agent().id(), c.tokenId());
  }
}
