package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.server.adapter.HttpAdapterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code adapters:} and {@code secrets:} sections of {@code warden.yaml}. */
final class ServerConfigAdaptersTest {
  @TempDir Path tmp;

  private DataDir dir(String extra) throws Exception {
    return TestWarden.init(tmp.resolve("data"), extra);
  }

  @Test
  void load_noAdapters_everyActionIsDecisionOnly() throws Exception {
    ServerConfig cfg = ServerConfig.load(dir(""));

    assertThat(cfg.adapters().all()).isEmpty();
    assertThat(cfg.adapters().forAction("payments.transfer")).isEmpty();
  }

  @Test
  void load_httpAdapterWithFileSecret_adapterServesItsActions() throws Exception {
    Path secret = tmp.resolve("token");
    Files.writeString(secret, "s3cret-value");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    ServerConfig cfg =
        ServerConfig.load(
            dir(
                """
                adapters:
                  - id: payments-api
                    type: http
                    actions: ["payments.*"]
                    method: POST
                    url: https://api.example.com/v1/transfers/{resource}
                    headers:
                      Authorization: "Bearer {secret:token}"
                secrets:
                  token: {file: %s}
                """
                    .formatted(secret)));

    assertThat(cfg.adapters().forAction("payments.transfer"))
        .get()
        .isInstanceOf(HttpAdapterConfig.class);
    assertThat(cfg.adapters().forAction("email.send")).isEmpty();
  }

  @Test
  void load_unknownAdapterField_errorNamesTheField() throws Exception {
    DataDir d =
        dir(
            """
            adapters:
              - id: a
                type: none
                actions: ["x.*"]
                colour: blue
            """);

    assertThatThrownBy(() -> ServerConfig.load(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/adapters/0")
        .hasMessageContaining("colour");
  }

  @Test
  void load_missingSecretFile_errorNamesTheSecret() throws Exception {
    DataDir d =
        dir(
            """
            secrets:
              token: {file: %s}
            """
                .formatted(tmp.resolve("absent")));

    assertThatThrownBy(() -> ServerConfig.load(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/secrets/token");
  }
}
