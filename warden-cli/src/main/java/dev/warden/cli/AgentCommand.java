package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.AgentCredentials;
import dev.warden.server.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Register and manage agents on a running server (needs the admin token).",
    subcommands = {
      AgentCommand.Create.class,
      AgentCommand.Add.class,
      AgentCommand.ListAgents.class,
      AgentCommand.Suspend.class,
      AgentCommand.Activate.class,
      AgentCommand.Revoke.class
    })
final class AgentCommand {
  private AgentCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Generate a key pair for a new agent and register its public key.",
        "",
        "The private key is written to <data-dir>/agents/ID.json (mode 0600), its only copy:"
            + " give that file to the agent."
      })
  static final class Create extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Agent id: ^[a-z0-9][a-z0-9._-]{1,63}$")
    String id;

    @Option(
        names = "--tenant",
        defaultValue = "default",
        description = "Tenant (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description = "A label for policy matching; repeatable.")
    Map<String, String> labels = Map.of();

    @Option(
        names = "--key-out",
        paramLabel = "FILE",
        description = "Where to write the agent's key file.")
    Path keyOut;

    @Override
    public Integer call() throws Exception {
      DataDir d = data.dataDir();
      Path out = keyOut != null ? keyOut : d.agents().resolve(id + ".json");
      if (Files.exists(out)) {
        System.err.println("warden: " + out + " exists; refusing to overwrite an agent key");
        return 2;
      }
      AgentCredentials creds = AgentCredentials.generateEd25519(id, new SecureRandom());
      ObjectNode body = AdminClient.JSON.createObjectNode().put("id", id).put("tenant", tenant);
      ObjectNode l = body.putObject("labels");
      labels.forEach(l::put);
      body.putArray("keys")
          .addObject()
          .put("alg", "ed25519")
          .put("public_key", Base64.getEncoder().encodeToString(creds.publicKey()));
      AdminClient.Reply r = client().call("POST", "/v1/admin/agents", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      if (out.getParent() != null && !Files.exists(out.getParent())) {
        Files.createDirectories(
            out.getParent(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      creds.write(out);
      System.out.println("Created agent " + id + " (tenant " + tenant + "); private key in " + out);
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Register an agent whose key pair the agent made itself: give its public key.")
  static final class Add extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--public-key",
        required = true,
        paramLabel = "FILE|BASE64",
        description =
            "Ed25519 public key: a file or text holding raw 32-byte base64, a JWK, or a PEM PUBLIC KEY.")
    String publicKey;

    @Option(names = "--tenant", defaultValue = "default")
    String tenant;

    @Option(names = "--label", paramLabel = "KEY=VALUE")
    Map<String, String> labels = Map.of();

    @Override
    public Integer call() throws Exception {
      Path p = Path.of(publicKey.length() < 4096 ? publicKey : "");
      String key =
          publicKey.length() < 4096 && Files.isRegularFile(p) ? Files.readString(p) : publicKey;
      ObjectNode body = AdminClient.JSON.createObjectNode().put("id", id).put("tenant", tenant);
      ObjectNode l = body.putObject("labels");
      labels.forEach(l::put);
      body.putArray("keys").addObject().put("alg", "ed25519").put("public_key", key.strip());
      AdminClient.Reply r = client().call("POST", "/v1/admin/agents", body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.println("Registered agent " + id + " (tenant " + tenant + ")");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List agents.")
  static final class ListAgents extends ServerOptions implements Callable<Integer> {
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      AdminClient.Reply r = client().call("GET", "/v1/admin/agents", null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      if (json) {
        System.out.println(r.body().toPrettyString());
        return 0;
      }
      System.out.printf("%-32s %-16s %-10s %s%n", "ID", "TENANT", "STATUS", "KEYS");
      for (JsonNode a : r.body().path("agents")) {
        StringBuilder keys = new StringBuilder();
        for (JsonNode k : a.path("keys")) {
          keys.append(k.path("key_id").asText()).append(k.has("revoked_at") ? "(revoked) " : " ");
        }
        System.out.printf(
            "%-32s %-16s %-10s %s%n",
            a.path("id").asText(),
            a.path("tenant").asText(),
            a.path("status").asText(),
            keys.toString().strip());
      }
      return 0;
    }
  }

  abstract static class StatusChange extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    String id;

    abstract String status();

    @Override
    public Integer call() throws Exception {
      ObjectNode body = AdminClient.JSON.createObjectNode().put("status", status());
      AdminClient.Reply r = client().call("PATCH", "/v1/admin/agents/" + id, body);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.println("Agent " + id + " is now " + r.body().path("status").asText());
      return 0;
    }
  }

  @Command(
      name = "suspend",
      mixinStandardHelpOptions = true,
      description =
          "The kill switch: refuse the agent's requests from the next one on (reversible).")
  static final class Suspend extends StatusChange {
    @Override
    String status() {
      return "suspended";
    }
  }

  @Command(name = "activate", mixinStandardHelpOptions = true, description = "Lift a suspension.")
  static final class Activate extends StatusChange {
    @Override
    String status() {
      return "active";
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke the agent for good.")
  static final class Revoke extends StatusChange {
    @Override
    String status() {
      return "revoked";
    }
  }
}
