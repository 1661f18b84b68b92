package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.DataDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The operator's path to keys in a PKCS#11 token, through the real commands in child JVMs (each
 * gets {@code SOFTHSM2_CONF} and the PIN in its environment, as an operator's shell would): {@code
 * serve} refuses until the keys are in the token, {@code keys rotate --offline} moves them there,
 * then {@code serve} signs with them and {@code verify} and {@code audit verify} pass offline.
 * SoftHSM2 must be installed ({@code .ci/run} installs it); its token lives in this test's
 * directory.
 */
@ResourceLock("java.lang.System.out") // CliTest.run captures System.out and System.err
class TokenKeysCommandTest {
  private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final String PIN = "cli-test-pin-4321";

  @TempDir Path tmp;

  @Test
  void keysMovedIntoTheTokenByRotation_signReceiptsThatVerifyOffline() throws Exception {
    assertThat(LIBRARY).as("SoftHSM2 is missing: apt-get install softhsm2 (.ci/run does)").exists();
    Path conf = tmp.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = "
            + Files.createDirectory(tmp.resolve("tokens"))
            + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Process init =
        child(
            conf,
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "warden",
            "--so-pin",
            "so-" + PIN,
            "--pin",
            PIN);
    assertThat(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0)
        .as(output(init))
        .isTrue();

    Path dir = tmp.resolve("wd");
    String dd = dir.toString();
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    String token = "{library: " + LIBRARY + ", token: warden, pin: {env: WARDEN_PKCS11_PIN}, key: ";
    Files.writeString(
        d.config(),
        Files.readString(d.config())
            + "keys:\n  checkpoint:\n    pkcs11: "
            + token
            + "warden-checkpoint}\n  receipt:\n    pkcs11: "
            + token
            + "warden-receipt}\n");

    Process refused = warden(conf, "serve", "--data-dir", dd);
    assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String why = output(refused);
    assertThat(refused.exitValue()).as(why).isEqualTo(2);
    assertThat(why)
        .contains("the checkpoint key (/keys/checkpoint/pkcs11)")
        .contains("there is no Ed25519 key \"warden-checkpoint\" in token \"warden\"")
        .contains("warden keys rotate --offline");

    for (String which : List.of("checkpoint", "receipt")) {
      Process rotate =
          warden(conf, "keys", "rotate", "--offline", "--which", which, "--data-dir", dd);
      assertThat(rotate.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = output(rotate);
      assertThat(rotate.exitValue()).as(out).isZero();
      assertThat(out).contains("Rotated the " + which + " key");
    }
    assertThat(d.checkpointKey()).doesNotExist();

    Process server = warden(conf, "serve", "--data-dir", dd);
    try {
      URI base = awaitReady(d, server, () -> output(server));
      CliTest.Run sent = CliTest.firstPayment(dd);
      Path answer = Files.writeString(tmp.resolve("answer.json"), sent.out());
      Path logKey = fetch(base, "/.well-known/warden/log-key", "log-key.txt");
      Path jwks = fetch(base, "/.well-known/warden/jwks.json", "jwks.json");
      CliTest.Run verified = CliTest.verify(answer, logKey, jwks);
      assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
    } finally {
      server.destroy(); // SIGTERM: drains the log and closes the token's sessions
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    CliTest.Run audit = CliTest.run("audit", "verify", "--data-dir", dd);
    assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
    assertThat(CliTest.run("keys", "list", "--data-dir", dd).out()).contains("retired");
  }

  /**
   * {@code command} with this test's SoftHSM2 configuration, PIN and key passphrase; its output
   * (stdout and stderr) in a file, {@link #output}.
   */
  private Process child(Path conf, String... command) throws Exception {
    Path out = Files.createTempFile(tmp, "child-", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    pb.environment().put("WARDEN_PKCS11_PIN", PIN);
    pb.environment().putAll(TestKeys.ENV_MAP);
    Process p = pb.start();
    p.getOutputStream().close();
    outputs.put(p, out);
    return p;
  }

  private final java.util.Map<Process, Path> outputs = new java.util.HashMap<>();

  private String output(Process p) {
    return ChildJvm.tail(outputs.get(p));
  }

  private Process warden(Path conf, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ChildJvm.javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "dev.warden.cli.Main"));
    cmd.addAll(List.of(args));
    return child(conf, cmd.toArray(String[]::new));
  }

  private static URI awaitReady(
      DataDir d, Process server, java.util.function.Supplier<String> output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    HttpClient http = HttpClient.newHttpClient();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as(() -> "the server exited: " + output.get()).isTrue();
      if (Files.exists(d.serverAddress())) {
        URI base = URI.create(Files.readString(d.serverAddress()).strip());
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return base;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the server was not ready within 90 s: " + output.get());
  }

  private Path fetch(URI base, String path, String name) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return Files.writeString(tmp.resolve(name), r.body());
  }
}
