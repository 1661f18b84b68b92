package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Issue, list and revoke operator tokens and agents' MCP tokens (needs the admin token).",
      "",
      "Examples:",
      "  warden token create --subject alice --scope approver,auditor --expires-in 30d",
      "  warden token create --agent billing-bot --mcp --expires-in 30d",
      "  warden token list",
      "  warden token revoke tok_0123456789abcdef"
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {
  private TokenCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Issue a token. It is printed once and stored only as a hash: keep it.",
        "",
        "An operator token (--subject and --scope) speaks for a person or service on the"
            + " operator API.",
        "",
        "An agent token (--agent and --mcp) lets one registered agent use the MCP gateway: send"
            + " it as 'Authorization: Bearer <token>' to <server>/mcp/<gateway>. Suspending or"
            + " revoking the agent cuts it off.",
        "",
        "Examples:",
        "  warden token create --subject alice --scope approver,auditor --expires-in 30d",
        "  warden token create --agent billing-bot --mcp --expires-in 30d",
        ""
      })
  static final class Create extends ServerOptions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--subject",
        paramLabel = "SUBJECT",
        description = "Who an operator token speaks for (recorded on everything it does).")
    String subject;

    @Option(
        names = "--scope",
        split = ",",
        paramLabel = "SCOPE",
        description =
            "An operator token's scopes: admin, approver, auditor, metrics; comma-separated or"
                + " repeated.")
    List<String> scopes;

    @Option(
        names = "--agent",
        paramLabel = "AGENT-ID",
        description = "Issue an agent token for this registered agent (give --mcp too).")
    String agent;

    @Option(
        names = "--mcp",
        description = "The agent token is for the MCP gateway (its only scope, mcp; with --agent).")
    boolean mcp;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description = "e.g. 30d, 12h (default: no expiry).")
    String expiresIn;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = body();
      if (expiresIn != null) {
        body.put("expires_in", expiresIn);
      }
      AdminClient client = client();
      AdminClient.Reply r = client.call("POST", "/v1/admin/tokens", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      String id = r.body().path("id").asText();
      if (agent != null) {
        System.err.println("Token " + id + " for agent " + agent + " (shown once):");
        System.out.println(r.body().path("token").asText());
        System.err.println(
            "Send it as 'Authorization: Bearer <token>' to "
                + client.base().resolve("/mcp/")
                + "<gateway>");
      } else {
        System.err.println("Token " + id + " for " + subject + " (shown once):");
        System.out.println(r.body().path("token").asText());
      }
      return 0;
    }

    /** The request body, after checking that the options describe one kind of token. */
    private ObjectNode body() {
      if (agent != null || mcp) {
        if (agent == null || !mcp) {
          throw new ParameterException(
              spec.commandLine(),
              "an agent token needs both --agent AGENT-ID and --mcp (the MCP gateway is the only"
                  + " place agent tokens work)");
        }
        if (subject != null || scopes != null) {
          throw new ParameterException(
              spec.commandLine(),
              "--agent issues an agent token: it speaks for the agent and its only scope is mcp;"
                  + " leave out --subject and --scope");
        }
        ObjectNode body = AdminClient.JSON.createObjectNode().put("agent", agent);
        body.putArray("scopes").add("mcp");
        return body;
      }
      if (subject == null || scopes == null) {
        throw new ParameterException(
            spec.commandLine(),
            "give --subject and --scope for an operator token, or --agent and --mcp for an"
                + " agent's MCP token");
      }
      ObjectNode body = AdminClient.JSON.createObjectNode().put("subject", subject);
      ArrayNode s = body.putArray("scopes");
      scopes.forEach(s::add);
      return body;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List tokens (never their secrets): operator tokens, and agent tokens with their agent.")
  static final class ListTokens extends ServerOptions implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      AdminClient.Reply r = client().call("GET", "/v1/admin/tokens", null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.printf(
          "%-22s %-24s %-24s %-32s %s%n", "ID", "SUBJECT", "AGENT", "SCOPES", "STATE");
      for (JsonNode t : r.body().path("tokens")) {
        String state =
            t.has("revoked_at")
                ? "revoked"
                : t.has("expires_at") ? "expires " + t.path("expires_at").asText() : "active";
        System.out.printf(
            "%-22s %-24s %-24s %-32s %s%n",
            t.path("id").asText(),
            t.path("subject").asText(),
            t.path("agent").asText("-"),
            t.path("scopes").toString(),
            state);
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token by id (from 'warden token list'), operator or agent token.")
  static final class Revoke extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "TOKEN-ID")
    String id;

    @Override
    public Integer call() throws Exception {
      AdminClient.Reply r = client().call("DELETE", "/v1/admin/tokens/" + id, null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.println("Revoked token " + id);
      return 0;
    }
  }
}
