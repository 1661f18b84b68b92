package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.client.AgentCredentials;
import dev.warden.client.WardenClient;
import dev.warden.client.warrant.UsedWarrants;
import dev.warden.client.warrant.VerifiedWarrant;
import dev.warden.client.warrant.WarrantException;
import dev.warden.client.warrant.WarrantKeys;
import dev.warden.client.warrant.WarrantVerifier;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server's allow receipt is a warrant the client library's verifier accepts once. */
final class WarrantEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void allowReceipt_verifiesOnceAsAWarrant_andADenyIsNoWarrant() throws Exception {
    SecureRandom random = new SecureRandom();
    DataDir d =
        DataDir.init(
            tmp.resolve("wd"), "127.0.0.1:0", random, Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
            WardenServer.start(
                d, ServerConfig.load(d), Clock.systemUTC(), random, TestKeys.PROTECTION);
        UsedWarrants used = UsedWarrants.file(tmp.resolve("used"))) {
      URI base = URI.create(server.url());
      AgentCredentials creds = AgentCredentials.generateEd25519("bot-1", random);
      AdminClient admin = AdminClient.connect(d, server.url());
      var reg = AdminClient.JSON.createObjectNode().put("id", "bot-1");
      reg.putArray("keys")
          .addObject()
          .put("alg", "ed25519")
          .put("public_key", Base64.getEncoder().encodeToString(creds.publicKey()));
      assertThat(admin.call("POST", "/v1/admin/agents", reg).status()).isEqualTo(201);
      WardenClient agent = WardenClient.create(base, creds);
      byte[] pay =
          "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}"
              .getBytes(StandardCharsets.UTF_8);
      byte[] wire =
          ("{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\","
                  + "\"labels\":{\"channel\":\"wire\"}}")
              .getBytes(StandardCharsets.UTF_8);
      JsonNode allowed = JSON.readTree(agent.send("POST", "/v1/decisions", pay, Map.of()).body());
      JsonNode denied = JSON.readTree(agent.send("POST", "/v1/decisions", wire, Map.of()).body());
      String jwks =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(base.resolve("/.well-known/warden/jwks.json")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      WarrantVerifier verifier =
          new WarrantVerifier(WarrantKeys.parse(jwks), Clock.systemUTC(), used);

      VerifiedWarrant w = verifier.verify(allowed.path("receipt").path("jws").asText(), pay);

      assertThat(w.decisionId()).isEqualTo(allowed.path("decision_id").asText());
      assertThat(w.action()).isEqualTo("payments.transfer");
      assertThat(w.logIndex()).isEqualTo(allowed.path("log_index").asLong());
      assertThatThrownBy(() -> verifier.verify(allowed.path("receipt").path("jws").asText(), pay))
          .isInstanceOfSatisfying(
              WarrantException.class,
              e -> assertThat(e.reason()).isEqualTo(WarrantException.Reason.ALREADY_USED));
      assertThatThrownBy(() -> verifier.verify(denied.path("receipt").path("jws").asText(), wire))
          .isInstanceOfSatisfying(
              WarrantException.class,
              e -> assertThat(e.reason()).isEqualTo(WarrantException.Reason.NOT_ALLOWED));
    }
  }
}
