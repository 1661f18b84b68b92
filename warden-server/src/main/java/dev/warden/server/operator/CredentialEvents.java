package dev.warden.server.operator;

import java.util.List;

/**
 * Told when an agent's credentials are cut off, so that whatever holds them open (an MCP session
 * authenticated by an agent token) can close it at once instead of at its next check. Called after
 * the change is durable; a listener must not block and must not throw.
 */
public interface CredentialEvents {

  /** The agent was suspended or revoked: none of its tokens or sessions may act any more. */
  void agentCut(String agentId);

  /** The token with this id (a record id, not the secret) was revoked. */
  void tokenRevoked(String tokenId);

  /** Tells no one. */
  CredentialEvents NONE =
      new CredentialEvents() {
        @Override
        public void agentCut(String agentId) {}

        @Override
        public void tokenRevoked(String tokenId) {}
      };

  /** Tells each of {@code listeners}, in order. */
  static CredentialEvents all(CredentialEvents... listeners) {
    List<CredentialEvents> all = List.of(listeners);
    return new CredentialEvents() {
      @Override
      public void agentCut(String agentId) {
        all.forEach(l -> l.agentCut(agentId));
      }

      @Override
      public void tokenRevoked(String tokenId) {
        all.forEach(l -> l.tokenRevoked(tokenId));
      }
    };
  }
}
