package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development switch that disables operator authentication: loopback only, and logged. */
class InsecureModeTest {
  @TempDir Path tmp;

  @Test
  void noOperatorAuth_acceptsTokenlessAdmin_logsItAndRecordsTheSubject() throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("d"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    ServerConfig cfg = ServerConfig.load(d).withFlags(new ServerConfig.Flags(false, false, true));
    try (WardenServer s =
        WardenServer.start(d, cfg, Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(java.net.URI.create(s.url() + "/v1/admin/tokens"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"subject\":\"x\",\"scopes\":[\"auditor\"]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(201);
      var entries = s.store().log().read(0, 100);
      var parsed = new java.util.ArrayList<JsonNode>();
      for (var e : entries) {
        parsed.add(TestWarden.JSON.readTree(e.entry()));
      }
      assertThat(parsed)
          .anySatisfy(
              e -> assertThat(e.path("op").asText()).isEqualTo("server.operator_auth_disabled"));
      assertThat(parsed)
          .anySatisfy(
              e -> {
                assertThat(e.path("op").asText()).isEqualTo("token.create");
                assertThat(e.path("operator").asText()).isEqualTo("insecure-no-operator-auth");
              });
    }
  }

  @Test
  void noOperatorAuth_onPublicAddress_refused() throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("d"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    ServerConfig cfg =
        ServerConfig.load(d)
            .withListen("0.0.0.0:0")
            .withFlags(new ServerConfig.Flags(true, true, true));
    assertThatThrownBy(
            () ->
                WardenServer.start(
                    d, cfg, Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("loopback only");
  }
}
