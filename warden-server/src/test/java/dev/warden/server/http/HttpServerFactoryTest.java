package dev.warden.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.TestKeys;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.eclipse.jetty.server.HttpConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector's limits and timeouts, as configured (behaviour is in HttpSurfaceTest). */
class HttpServerFactoryTest {
  @TempDir Path tmp;

  @Test
  void httpConfiguration_setsHeaderSizesAndIdleTimeout() throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("d"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    ServerConfig cfg = ServerConfig.load(d);

    HttpConfiguration hc = HttpServerFactory.httpConfiguration(new HttpConfiguration(), cfg);

    assertThat(hc.getRequestHeaderSize()).isEqualTo(cfg.limits().maxHeaderBytes());
    assertThat(hc.getResponseHeaderSize()).isEqualTo(16 * 1024);
    assertThat(hc.getIdleTimeout()).isEqualTo(30_000);
    assertThat(hc.getMinRequestDataRate()).as("see httpConfiguration").isZero();
    assertThat(hc.getSendServerVersion()).isFalse();
    assertThat(hc.getSendXPoweredBy()).isFalse();
  }

  @Test
  void decisionOutcome_readsTopLevelMemberOnly() {
    assertThat(
            WardenMetrics.DecisionOutcome.of(
                "{\"action\":{\"params\":{\"decision\":\"allow\"}},\"decision\":\"deny\"}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo("deny");
    assertThat(
            WardenMetrics.DecisionOutcome.of(
                "{\"x\":{\"decision\":\"allow\"}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(
            WardenMetrics.DecisionOutcome.of(
                "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEmpty();
  }
}
