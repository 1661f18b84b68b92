package dev.warden.auth;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.AgentRecord;

/**
 * The kill switch, the same for every way an agent authenticates (signed requests, MCP bearer
 * tokens): a suspended or revoked agent is refused on its next request.
 */
public final class AgentStatusCheck {
  private AgentStatusCheck() {}

  /**
   * @throws RequestRejected {@code auth.agent_suspended} or {@code auth.agent_revoked}
   */
  public static void requireActive(AgentRecord agent) throws RequestRejected {
    switch (agent.status()) {
      case ACTIVE -> {}
      case SUSPENDED ->
          throw new RequestRejected(
              ErrorCode.AUTH_AGENT_SUSPENDED,
              "agent " + agent.id() + " is suspended by an operator");
      case REVOKED ->
          throw new RequestRejected(
              ErrorCode.AUTH_AGENT_REVOKED, "agent " + agent.id() + " is revoked");
    }
  }
}
