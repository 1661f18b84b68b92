package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The commands as a user runs them, in process, against a real server on a loopback port. Commands
 * print to System.out/err, so these tests hold a lock on the standard streams.
 */
@ResourceLock("java.lang.System.out")
class CliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run runWithInput(String stdin, String... args) {
    return runWith(TestKeys.ENV, stdin, args);
  }

  /** Runs the CLI with {@code env} as its environment. */
  static Run run(java.util.function.Function<String, String> env, String... args) {
    return runWith(env, "", args);
  }

  private static Run runWith(
      java.util.function.Function<String, String> env, String stdin, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      int code = Main.run(env, args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
  }

  static Run run(String... args) {
    return runWithInput("", args);
  }

  /** Registers agent bot-1 on the running server of {@code dd}; it sends a payments.transfer. */
  static Run firstPayment(String dd) {
    assertThat(run("agent", "create", "bot-1", "--data-dir", dd).exit()).isZero();
    Run sent = send(dd, "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}");
    assertThat(sent.exit()).as(sent.err()).isZero();
    return sent;
  }

  /** {@code warden send} of {@code body} as agent bot-1. */
  static Run send(String dd, String body) {
    return run("send", "--agent", "bot-1", "--data-dir", dd, "-d", body);
  }

  /** {@code warden verify} of the answer in {@code answer} with those key files. */
  static Run verify(Path answer, Path logKey, Path jwks) {
    return run(
        "verify", answer.toString(), "--log-key", logKey.toString(), "--jwks", jwks.toString());
  }

  @Test
  void init_createsDataDirectoryWithSecretsOwnerOnly() throws Exception {
    Path dir = tmp.resolve("wd");
    Run r = run("init", "--data-dir", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    DataDir d = new DataDir(dir);
    for (Path secret :
        new Path[] {d.adminToken(), d.checkpointKey(), d.receiptKey(), d.paramsHmacKey()}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
          .as(secret.toString())
          .isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(d.adminToken()).strip()).matches("wdn_[A-Za-z0-9_-]{43}");
    assertThat(r.out()).doesNotContain(Files.readString(d.adminToken()).strip());

    Run again = run("init", "--data-dir", dir.toString());
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("not empty");
  }

  @Test
  void serve_unknownLogFormat_usageError() throws Exception {
    Path dir = tmp.resolve("wd-log");
    assertThat(run("init", "--data-dir", dir.toString()).exit()).isZero();
    Run r = run("serve", "--data-dir", dir.toString(), "--log-format", "xml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--log-format must be json or text");
  }

  @Test
  void serve_nonLoopbackWithoutFlags_refusedWithExplanation() throws Exception {
    Path dir = tmp.resolve("wd");
    assertThat(run("init", "--data-dir", dir.toString()).exit()).isZero();
    Run r = run("serve", "--data-dir", dir.toString(), "--listen", "0.0.0.0:0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("--allow-public-bind")
        .contains("TLS")
        .contains("--behind-tls-proxy");
    Run half =
        run("serve", "--data-dir", dir.toString(), "--listen", "0.0.0.0:0", "--allow-public-bind");
    assertThat(half.exit()).isEqualTo(2);
    assertThat(half.err()).contains("refusing to listen");
    Run noHosts =
        run(
            "serve",
            "--data-dir",
            dir.toString(),
            "--listen",
            "0.0.0.0:0",
            "--allow-public-bind",
            "--behind-tls-proxy");
    assertThat(noHosts.exit()).isEqualTo(2);
    assertThat(noHosts.err()).contains("without hosts");
  }

  @Test
  void serve_notADataDirectory_saysHowToCreateOne() {
    Run r = run("serve", "--data-dir", tmp.resolve("nothing").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("warden init --data-dir");
  }

  @Test
  void agentLifecycle_createSendSuspendList() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String dd = dir.toString();
      Run created = run("agent", "create", "bot-1", "--tenant", "acme", "--data-dir", dd);
      assertThat(created.exit()).as(created.err()).isZero();
      Path keyFile = d.agents().resolve("bot-1.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
          .isEqualTo("rw-------");

      String pay = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";
      Run allowed = run("send", "--agent", "bot-1", "--data-dir", dd, "-d", pay);
      assertThat(allowed.exit()).as(allowed.err()).isZero();
      assertThat(JSON.readTree(allowed.out()).path("decision").asText()).isEqualTo("allow");

      // The answer's receipt verifies offline with the server's published keys, and only with them.
      Path answer = Files.writeString(tmp.resolve("answer.json"), allowed.out());
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = Files.readString(d.serverAddress()).strip();
      String vkey =
          http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(base + "/.well-known/warden/log-key"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body()
              .strip();
      Path jwks = tmp.resolve("jwks.json");
      http.send(
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(base + "/.well-known/warden/jwks.json"))
              .build(),
          java.net.http.HttpResponse.BodyHandlers.ofFile(jwks));
      Run verified = run("verify", answer.toString(), "--log-key", vkey, "--jwks", jwks.toString());
      assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
      assertThat(verified.out()).startsWith("OK: decision");
      Files.writeString(answer, allowed.out().replace("\"allow\"", "\"deny\""));
      Run forged = run("verify", answer.toString(), "--log-key", vkey, "--jwks", jwks.toString());
      assertThat(forged.exit()).isEqualTo(1);
      assertThat(forged.out()).startsWith("FAIL:");

      Run denied = send(dd, "{\"action\":\"rockets.launch\",\"resource\":\"pad\"}");
      assertThat(denied.exit()).isEqualTo(1);
      assertThat(JSON.readTree(denied.out()).path("decision").asText()).isEqualTo("deny");

      assertThat(run("agent", "suspend", "bot-1", "--data-dir", dd).exit()).isZero();
      Run refused = run("send", "--agent", "bot-1", "--data-dir", dd, "-d", pay);
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("HTTP 403");
      assertThat(JSON.readTree(refused.out()).path("code").asText())
          .isEqualTo("auth.agent_suspended");

      Run list = run("agent", "list", "--data-dir", dd);
      assertThat(list.out()).contains("bot-1").contains("acme").contains("suspended");
      assertThat(run("agent", "create", "bot-1", "--data-dir", dd).exit())
          .as("key file exists")
          .isEqualTo(2);
    }
  }

  @Test
  void agentAdd_publicKeyAsPemFileJwkOrBase64() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      var kp = dev.warden.crypto.Ed25519KeyPair.generate(new SecureRandom());
      Path pem = tmp.resolve("pub.pem");
      Files.writeString(pem, dev.warden.crypto.Ed25519KeyPair.toSpkiPem(kp.publicKey()));
      String b64 = java.util.Base64.getEncoder().encodeToString(kp.publicKey());
      String jwk =
          "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
              + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(kp.publicKey())
              + "\"}";
      String dd = dir.toString();
      assertThat(
              run("agent", "add", "pem-agent", "--public-key", pem.toString(), "--data-dir", dd)
                  .exit())
          .isZero();
      assertThat(run("agent", "add", "b64-agent", "--public-key", b64, "--data-dir", dd).exit())
          .isZero();
      assertThat(run("agent", "add", "jwk-agent", "--public-key", jwk, "--data-dir", dd).exit())
          .isZero();
      Run bad = run("agent", "add", "bad-agent", "--public-key", "bm90IGEga2V5", "--data-dir", dd);
      assertThat(bad.exit()).isEqualTo(1);
      assertThat(bad.err()).contains("request.invalid").contains("32 bytes");
      JsonNode agents =
          JSON.readTree(run("agent", "list", "--json", "--data-dir", dd).out()).path("agents");
      assertThat(agents).hasSize(3);
      for (JsonNode a : agents) {
        assertThat(a.path("keys").path(0).path("public_key").asText()).isEqualTo(b64);
      }
    }
  }

  @Test
  void token_createListRevoke_tokenShownOnce() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String dd = dir.toString();
      Run created =
          run(
              "token",
              "create",
              "--subject",
              "alice",
              "--scope",
              "approver,auditor",
              "--expires-in",
              "30d",
              "--data-dir",
              dd);
      assertThat(created.exit()).as(created.err()).isZero();
      String token = created.out().strip();
      assertThat(token).matches("wdn_[A-Za-z0-9_-]{43}");
      String id = created.err().split(" ")[1];
      Run list = run("token", "list", "--data-dir", dd);
      assertThat(list.out()).contains("alice").contains(id).doesNotContain(token);
      assertThat(run("token", "revoke", id, "--data-dir", dd).exit()).isZero();
      assertThat(run("token", "list", "--data-dir", dd).out()).contains("revoked");
      assertThat(run("token", "revoke", "tok_nope", "--data-dir", dd).exit()).isEqualTo(1);
    }
  }

  @Test
  void token_createForAgent_printsTheTokenOnceWithTheMcpHint_andListShowsTheAgent()
      throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      String dd = dir.toString();
      var kp = dev.warden.crypto.Ed25519KeyPair.generate(new SecureRandom());
      String b64 = java.util.Base64.getEncoder().encodeToString(kp.publicKey());
      Run added = run("agent", "add", "bot-1", "--public-key", b64, "--data-dir", dd);
      assertThat(added.exit()).as(added.err()).isZero();

      Run created =
          run(
              "token",
              "create",
              "--agent",
              "bot-1",
              "--mcp",
              "--expires-in",
              "30d",
              "--data-dir",
              dd);

      assertThat(created.exit()).as(created.err()).isZero();
      String token = created.out().strip();
      assertThat(token).matches("wda_[A-Za-z0-9_-]{43}");
      assertThat(created.err())
          .contains("for agent bot-1")
          .contains("Authorization: Bearer <token>")
          .contains(server.url() + "/mcp/<gateway>")
          .doesNotContain(token);
      String id = created.err().split(" ")[1];
      Run list = run("token", "list", "--data-dir", dd);
      assertThat(list.out()).contains("AGENT").doesNotContain(token);
      assertThat(list.out().lines().filter(l -> l.startsWith(id)))
          .singleElement()
          .satisfies(l -> assertThat(l).contains("bot-1").contains("mcp").contains("expires"));
      assertThat(run("token", "revoke", id, "--data-dir", dd).exit()).isZero();
      assertThat(run("token", "list", "--data-dir", dd).out()).contains("revoked");

      Run ghost = run("token", "create", "--agent", "ghost", "--mcp", "--data-dir", dd);
      assertThat(ghost.exit()).isEqualTo(1);
      assertThat(ghost.err()).contains("admin.not_found");
    }
  }

  @Test
  void token_createWithMismatchedOptions_isRefusedBeforeAskingTheServer() {
    String dd = tmp.resolve("no-server").toString();
    String[][] cases = {
      {"--agent", "bot-1"},
      {"--mcp"},
      {"--mcp", "--subject", "alice", "--scope", "admin"},
      {"--agent", "bot-1", "--mcp", "--scope", "admin"},
      {"--agent", "bot-1", "--mcp", "--subject", "alice"},
      {"--subject", "alice"},
      {}
    };
    String[] messages = {
      "both --agent",
      "both --agent",
      "both --agent",
      "leave out",
      "leave out",
      "--subject and",
      "--subject and"
    };
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 4];
      args[0] = "token";
      args[1] = "create";
      System.arraycopy(cases[i], 0, args, 2, cases[i].length);
      args[args.length - 2] = "--data-dir";
      args[args.length - 1] = dd;
      Run r = run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).contains(messages[i]);
    }
    assertThat(run("token", "create", "--help").out())
        .contains("--agent")
        .contains("--mcp")
        .contains("/mcp/<gateway>");
  }

  @Test
  void commandsNeedingAServer_withoutOne_sayHowToStartIt() throws Exception {
    Path dir = tmp.resolve("wd");
    assertThat(run("init", "--data-dir", dir.toString()).exit()).isZero();
    Run r = run("agent", "list", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("warden serve --data-dir");
  }

  @Test
  void canonicalize_rfc8785Form_andStrictRefusal() {
    Run r =
        runWithInput("{\"b\": 1.0, \"a\": [true, null, \"\\u00e9\"], \"c\": 1e3}", "canonicalize");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("{\"a\":[true,null,\"é\"],\"b\":1,\"c\":1000}");
    Run dup = runWithInput("{\"a\":1,\"a\":2}", "canonicalize");
    assertThat(dup.exit()).isEqualTo(2);
    assertThat(dup.err()).contains("/a");
  }

  @Test
  void demo_showsAllowDenyEscalationReplayForgeryReceiptAndAudit() {
    Run r = run("demo");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("decision=allow")
        .contains("decision=deny")
        .contains("HTTP 202  decision=pending")
        .contains("ops approves -> HTTP 200, approval approved")
        .containsPattern("agent polls -> HTTP 200 decision=approved log_index=\\d+")
        .contains("replay -> HTTP 409 replay.nonce_reused")
        .contains("HTTP 401 auth.bad_signature")
        .contains("-> receipt OK: decision")
        .containsPattern("OK: \\d+ entries, \\d+ checkpoints verified");
  }

  @Test
  void help_everyCommandHasIt() {
    for (String c :
        new String[] {"init", "serve", "demo", "agent", "token", "send", "canonicalize"}) {
      Run r = run(c, "--help");
      assertThat(r.exit()).as(c).isZero();
      assertThat(r.out()).as(c).contains("Usage: warden " + c);
    }
    assertThat(run("no-such-command").exit()).isEqualTo(2);
  }
}
