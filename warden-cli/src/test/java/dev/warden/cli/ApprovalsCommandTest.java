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

/** {@code warden approvals} against a running server. */
@ResourceLock("java.lang.System.out")
final class ApprovalsCommandTest {
  @TempDir Path tmp;

  @Test
  void listShowApproveReject_throughTheApi() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String dd = dir.toString();
      Path policy =
          Files.writeString(
              tmp.resolve("p.yaml"),
              "version: 1\nrules:\n  - {id: deletes, effect: escalate, match: {action: \"*.delete\"}}\n");
      assertThat(run("policy", "activate", policy.toString(), "--data-dir", dd).exit()).isZero();
      assertThat(run("agent", "create", "bot-1", "--data-dir", dd).exit()).isZero();
      String delete = "{\"action\":\"files.delete\",\"resource\":\"reports/q3\"}";
      String first =
          JSON.readTree(run("send", "--agent", "bot-1", "--data-dir", dd, "-d", delete).out())
              .path("decision_id")
              .asText();
      String second =
          JSON.readTree(run("send", "--agent", "bot-1", "--data-dir", dd, "-d", delete).out())
              .path("decision_id")
              .asText();

      CliTest.Run list = run("approvals", "list", "--data-dir", dd);
      assertThat(list.out()).contains(first).contains(second).contains("files.delete");
      CliTest.Run show = run("approvals", "show", first, "--data-dir", dd);
      assertThat(JSON.readTree(show.out()).path("request").path("resource").asText())
          .isEqualTo("reports/q3");

      CliTest.Run approved =
          run("approvals", "approve", first, "--reason", "fine", "--data-dir", dd);
      assertThat(approved.exit()).as(approved.err()).isZero();
      assertThat(JSON.readTree(approved.out()).path("state").asText()).isEqualTo("approved");
      assertThat(run("approvals", "reject", second, "--data-dir", dd).exit())
          .as("a rejection needs --reason")
          .isEqualTo(2);
      CliTest.Run rejected = run("approvals", "reject", second, "--reason", "no", "--data-dir", dd);
      assertThat(JSON.readTree(rejected.out()).path("state").asText()).isEqualTo("rejected");

      CliTest.Run again = run("approvals", "approve", second, "--data-dir", dd);
      assertThat(again.exit()).isEqualTo(1);
      assertThat(again.err()).contains("approval.resolved");
      assertThat(run("approvals", "list", "--data-dir", dd).out()).doesNotContain(first);
      assertThat(run("approvals", "list", "--status", "approved", "--data-dir", dd).out())
          .contains(first);
    }
  }
}
