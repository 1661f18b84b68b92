package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.server.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code warden doctor}: exit codes, the human table and the JSON form. */
@ResourceLock("java.lang.System.out") // CliTest.run captures System.out and System.err
class DoctorCommandTest {
  @TempDir Path tmp;

  @Test
  void healthyDirectory_exits0_thenALooseKeyExits1WithItsFix() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    CliTest.Run ok = CliTest.run("doctor", "--data-dir", dir.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("ok    signer").contains("No problems.");

    Files.setPosixFilePermissions(d.receiptKey(), PosixFilePermissions.fromString("rw-rw----"));
    CliTest.Run bad = CliTest.run("doctor", "--data-dir", dir.toString());
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.out())
        .contains("FAIL  keys.files")
        .contains("chmod 600 " + d.receiptKey())
        .contains("problem");

    CliTest.Run json = CliTest.run("doctor", "--json", "--data-dir", dir.toString());
    assertThat(json.exit()).isEqualTo(1);
    JsonNode o = new ObjectMapper().readTree(json.out());
    assertThat(o.path("ok").asBoolean(true)).isFalse();
    assertThat(o.path("findings"))
        .anySatisfy(
            f -> {
              assertThat(f.path("check").asText()).isEqualTo("keys.files");
              assertThat(f.path("status").asText()).isEqualTo("fail");
            });
  }

  @Test
  void notADataDirectory_exits1SayingHowToMakeOne() {
    CliTest.Run r = CliTest.run("doctor", "--data-dir", tmp.resolve("none").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("warden init --data-dir");
  }
}
