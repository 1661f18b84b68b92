package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Issue, list and revoke operator tokens (needs the admin token).",
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
      description = "Issue a token. It is printed once and stored only as a hash: keep it.")
  static final class Create extends ServerOptions implements Callable<Integer> {
    @Option(
        names = "--subject",
        required = true,
        description = "Who the token speaks for (recorded on everything it does).")
    String subject;

    @Option(
        names = "--scope",
        required = true,
        split = ",",
        paramLabel = "SCOPE",
        description = "admin, approver, auditor, metrics; comma-separated or repeated.")
    List<String> scopes;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description = "e.g. 30d, 12h (default: no expiry).")
    String expiresIn;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = AdminClient.JSON.createObjectNode().put("subject", subject);
      ArrayNode s = body.putArray("scopes");
      scopes.forEach(s::add);
      if (expiresIn != null) {
        body.put("expires_in", expiresIn);
      }
      AdminClient.Reply r = client().call("POST", "/v1/admin/tokens", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.err.println(
          "Token " + r.body().path("id").asText() + " for " + subject + " (shown once):");
      System.out.println(r.body().path("token").asText());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (never their secrets).")
  static final class ListTokens extends ServerOptions implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      AdminClient.Reply r = client().call("GET", "/v1/admin/tokens", null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.printf("%-22s %-24s %-32s %s%n", "ID", "SUBJECT", "SCOPES", "STATE");
      for (JsonNode t : r.body().path("tokens")) {
        String state =
            t.has("revoked_at")
                ? "revoked"
                : t.has("expires_at") ? "expires " + t.path("expires_at").asText() : "active";
        System.out.printf(
            "%-22s %-24s %-32s %s%n",
            t.path("id").asText(), t.path("subject").asText(), t.path("scopes").toString(), state);
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id.")
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
