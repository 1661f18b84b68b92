package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.AgentCredentials;
import dev.warden.client.WardenClient;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import dev.warden.note.LogKeys;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A self-contained tour of Warden on a free loopback port.",
      "",
      "Starts a server with a fresh data directory, registers an agent, and shows an allow, a"
          + " deny, an escalation approved, a refused replay and a refused forgery. Nothing outside a"
          + " temporary directory is touched."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--keep", description = "Keep the temporary data directory and print its path.")
  boolean keep;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    // The tour speaks for itself; the server's own log lines would only interleave with it.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path tmp = Files.createTempDirectory("warden-demo-");
    Path dir = tmp.resolve("data");
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();
    // A throwaway data directory: its keys are encrypted like any others, under a random
    // passphrase the demo holds in memory only (nothing to set up, nothing written down).
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    KeyProtection keys =
        KeyProtection.passphrase(
            KeyPassphrase.of(java.util.Base64.getEncoder().encodeToString(secret)));
    DataDir data = DataDir.init(dir, "127.0.0.1:0", random, clock, keys);
    try {
      tour(data, clock, random, keys);
      step(
          "The server stopped. An auditor checks the whole log offline: every entry, the tree, every signed checkpoint:");
      int audit = Main.run("audit", "verify", "--data-dir", dir.toString());
      if (audit != 0) {
        return audit;
      }
    } finally {
      if (keep) {
        out.println("\nData directory kept at " + dir);
      } else {
        BenchServer.deleteTree(tmp);
      }
    }
    return 0;
  }

  private void tour(DataDir data, Clock clock, SecureRandom random, KeyProtection keys)
      throws Exception {
    try (WardenServer server =
        WardenServer.start(data, ServerConfig.load(data), clock, random, keys)) {
      URI base = URI.create(server.url());
      step("Warden is running on " + base + " with a fresh data directory and this policy:");
      Files.readString(data.policy())
          .lines()
          .filter(l -> !l.startsWith("#"))
          .forEach(l -> out.println("    " + l));

      step("An operator registers agent 'demo-agent'. Warden keeps only its public key.");
      AgentCredentials creds = AgentCredentials.generateEd25519("demo-agent", random);
      AdminClient admin = AdminClient.connect(data, base.toString());
      ObjectNode reg =
          AdminClient.JSON.createObjectNode().put("id", "demo-agent").put("tenant", "acme");
      reg.putArray("keys")
          .addObject()
          .put("alg", "ed25519")
          .put("public_key", Base64.getEncoder().encodeToString(creds.publicKey()));
      AdminClient.Reply r = admin.call("POST", "/v1/admin/agents", reg);
      out.println(
          "    -> HTTP "
              + r.status()
              + ", agent "
              + r.body().path("id").asText()
              + " is "
              + r.body().path("status").asText());

      WardenClient agent = WardenClient.create(base, creds);
      step("The agent asks to pay 12.50 USD from a team account (signed with RFC 9421):");
      JsonNode paid =
          decide(
              agent,
              "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"}}");

      step("It asks for a wire transfer, which the policy forbids:");
      decide(
          agent,
          "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"labels\":{\"channel\":\"wire\"},\"amount\":{\"value\":\"9000.00\",\"currency\":\"USD\"}}");

      step("It asks to delete a file, which needs a human from the 'ops' group:");
      JsonNode pending =
          decide(agent, "{\"action\":\"files.delete\",\"resource\":\"reports/q3.pdf\"}");
      String pendingId = pending.path("decision_id").asText();

      step("An operator of 'ops' approves it; the agent sees its decision change:");
      AdminClient ops =
          admin.as(
              admin
                  .call(
                      "POST",
                      "/v1/admin/tokens",
                      AdminClient.JSON
                          .createObjectNode()
                          .put("subject", "ops")
                          .set("scopes", AdminClient.JSON.createArrayNode().add("approver")))
                  .body()
                  .path("token")
                  .asText());
      AdminClient.Reply approved =
          ops.call(
              "POST",
              "/v1/approvals/" + pendingId + "/approve",
              AdminClient.JSON.createObjectNode().put("reason", "the owner agreed"));
      out.println(
          "    ops approves -> HTTP "
              + approved.status()
              + ", approval "
              + approved.body().path("state").asText());
      WardenClient.Response now =
          agent.send("GET", "/v1/decisions/" + pendingId, new byte[0], Map.of());
      JsonNode nowJson = AdminClient.JSON.readTree(now.body());
      out.println(
          "    agent polls -> HTTP "
              + now.status()
              + " decision="
              + nowJson.path("decision").asText()
              + " log_index="
              + nowJson.path("log_index").asText());

      step("An attacker captures a signed request and sends it twice:");
      byte[] body =
          "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}"
              .getBytes(StandardCharsets.UTF_8);
      HttpRequest captured = agent.signedRequest("POST", "/v1/decisions", body, Map.of());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      show("first ", http.send(captured, HttpResponse.BodyHandlers.ofString()));
      show("replay", http.send(captured, HttpResponse.BodyHandlers.ofString()));

      step("Someone without the agent's key tries to pass as it:");
      WardenClient forger =
          WardenClient.create(base, AgentCredentials.generateEd25519("demo-agent", random));
      WardenClient.Response f = forger.send("POST", "/v1/decisions", body, Map.of());
      out.println(
          "    -> HTTP "
              + f.status()
              + " "
              + AdminClient.JSON.readTree(f.body()).path("code").asText());

      step("Anyone can check the allow's receipt offline, with only Warden's public keys:");
      String vkey = fetch(http, base, "/.well-known/warden/log-key").strip();
      String jwks = fetch(http, base, "/.well-known/warden/jwks.json");
      out.println("    log key (vkey): " + vkey);
      VerifiedReceipt v =
          ReceiptVerifier.verify(paid.path("receipt"), LogKeys.parse(vkey), Jwks.parse(jwks));
      out.println(
          "    -> receipt OK: decision "
              + v.entry().path("decision_id").asText()
              + " is entry "
              + v.leafIndex()
              + " of "
              + v.checkpoint().origin()
              + ", in a signed checkpoint of size "
              + v.checkpoint().size());
      out.println(
          "    (save an answer and check it yourself: warden verify answer.json --log-key '"
              + vkey
              + "')");

      JsonNode ready =
          AdminClient.JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      step(
          "Every decision and refusal is in the log before it is answered: "
              + ready.path("log_size").asText()
              + " entries so far.");
      out.println(
          "    (refusals before authentication, like the forgery, are summarised every 10 s)");
    }
  }

  private static String fetch(HttpClient http, URI base, String path)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(base.resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private JsonNode decide(WardenClient agent, String json)
      throws IOException, InterruptedException {
    out.println("    " + json);
    WardenClient.Response r =
        agent.send("POST", "/v1/decisions", json.getBytes(StandardCharsets.UTF_8), Map.of());
    JsonNode j = AdminClient.JSON.readTree(r.body());
    JsonNode reason = j.path("reasons").path(0);
    out.printf(
        "    -> HTTP %d  decision=%s  rule=%s  \"%s\"%n       decision_id=%s log_index=%s%n",
        r.status(),
        j.path("decision").asText(),
        reason.path("rule").asText("-"),
        reason.path("message").asText(),
        j.path("decision_id").asText(),
        j.path("log_index").asText());
    return j;
  }

  private void show(String label, HttpResponse<String> r) throws IOException {
    JsonNode j = AdminClient.JSON.readTree(r.body());
    String what =
        j.has("code")
            ? j.path("code").asText() + ": " + j.path("detail").asText()
            : "decision=" + j.path("decision").asText();
    out.println("    " + label + " -> HTTP " + r.statusCode() + " " + what);
  }

  private void step(String s) {
    out.println();
    out.println("== " + s);
  }
}
