package dev.warden.cli;

import static dev.warden.cli.CliTest.JSON;
import static dev.warden.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code warden policy activate} and {@code explain --decision} against a running server. */
@ResourceLock("java.lang.System.out")
final class PolicyServerCommandTest {
  private static final String SMALL_PAYMENTS =
      """
      version: 1
      rules:
        - id: small-payments
          effect: allow
          match: {action: "payments.transfer"}
          when: "double(request.amount.value) <= 100.0"
        - id: wires
          effect: deny
          match: {action: "payments.transfer", labels: {channel: wire}}
      """;

  @TempDir Path tmp;

  @Test
  void activateThenExplainDecision_reproducesTheLoggedDecisionWithItsOwnPolicy() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String dd = dir.toString();
      Path policy = Files.writeString(tmp.resolve("p.yaml"), SMALL_PAYMENTS);

      CliTest.Run activated = run("policy", "activate", policy.toString(), "--data-dir", dd);
      assertThat(activated.exit()).as(activated.err()).isZero();
      assertThat(activated.out()).startsWith("activated sha256:");
      CliTest.Run again = run("policy", "activate", policy.toString(), "--data-dir", dd);
      assertThat(again.out()).startsWith("unchanged: ");

      assertThat(run("agent", "create", "bot-1", "--data-dir", dd).exit()).isZero();
      String pay =
          "{\"action\":\"payments.transfer\",\"resource\":\"acct/1\","
              + "\"amount\":{\"value\":\"40.00\",\"currency\":\"EUR\"}}";
      CliTest.Run sent = run("send", "--agent", "bot-1", "--data-dir", dd, "-d", pay);
      assertThat(JSON.readTree(sent.out()).path("decision").asText()).isEqualTo("allow");
      String id = JSON.readTree(sent.out()).path("decision_id").asText();

      // Another policy now; the old decision is explained with the policy that made it.
      Path denyAll = Files.writeString(tmp.resolve("deny.yaml"), "version: 1\nrules: []\n");
      assertThat(run("policy", "activate", denyAll.toString(), "--data-dir", dd).exit()).isZero();
      CliTest.Run explained = run("policy", "explain", "--decision", id, "--data-dir", dd);

      assertThat(explained.exit()).as(explained.out() + explained.err()).isZero();
      assertThat(explained.out())
          .contains("rule small-payments (allow): applies")
          .contains("when: true")
          .contains("REPRODUCED");
      CliTest.Run asJson = run("policy", "explain", "--decision", id, "--json", "--data-dir", dd);
      assertThat(JSON.readTree(asJson.out()).path("decision").path("effect").asText())
          .isEqualTo("allow");
      assertThat(JSON.readTree(asJson.out()).path("differences")).isEmpty();
    }
  }

  @Test
  void activate_policyWithErrors_isRefusedHereAndTheServerKeepsItsPolicy() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String before = Files.readString(d.policy());
      Path bad =
          Files.writeString(
              tmp.resolve("bad.yaml"),
              "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {action: a}\n"
                  + "    when: \"request.acton == 'x'\"\n");

      CliTest.Run r = run("policy", "activate", bad.toString(), "--data-dir", dir.toString());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("bad.yaml:6").contains("acton").contains("not activated");
      assertThat(Files.readString(d.policy())).isEqualTo(before);
    }
  }

  @Test
  void explainDecision_unknownId_exits1NamingIt() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      CliTest.Run r =
          run(
              "policy",
              "explain",
              "--decision",
              "01JUNKNOWN0000000000000000",
              "--data-dir",
              dir.toString());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("admin.not_found");
    }
  }
}
