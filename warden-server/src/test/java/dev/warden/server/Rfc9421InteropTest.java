package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.crypto.Ed25519KeyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with an RFC 9421 implementation Warden did not write: the npm package {@code
 * http-message-signatures} signs requests (src/test/node/sign-and-send.mjs) that Warden must
 * accept, and tampered ones it must refuse. Node.js is required; node_modules is installed with
 * {@code npm ci} if missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Rfc9421InteropTest {
  static final String BODY =
      "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"1.00\",\"currency\":\"EUR\"}}";

  @TempDir static Path tmp;
  TestWarden w;
  Path keyFile;
  Path bodyFile;
  Path secretFile;

  @BeforeAll
  void start() throws Exception {
    NodeInterop.ensureInstalled();
    w = TestWarden.start(tmp);
    Ed25519KeyPair kp = Ed25519KeyPair.generate(TestWarden.RANDOM);
    keyFile = tmp.resolve("agent.pem");
    Files.write(keyFile, kp.toPkcs8Pem());
    String pub = Base64.getEncoder().encodeToString(kp.publicKey());
    assertThat(
            w.admin(
                    "POST",
                    "/v1/admin/agents",
                    "{\"id\":\"node-agent\",\"keys\":[{\"alg\":\"ed25519\",\"public_key\":\""
                        + pub
                        + "\"}]}")
                .statusCode())
        .isEqualTo(201);
    byte[] secret = new byte[32];
    TestWarden.RANDOM.nextBytes(secret);
    String b64 = Base64.getEncoder().encodeToString(secret);
    secretFile = tmp.resolve("secret.b64");
    Files.writeString(secretFile, b64);
    assertThat(
            w.admin(
                    "POST",
                    "/v1/admin/agents",
                    "{\"id\":\"node-hmac\",\"keys\":[{\"alg\":\"hmac-sha256\",\"secret\":\""
                        + b64
                        + "\"}]}")
                .statusCode())
        .isEqualTo(201);
    bodyFile = tmp.resolve("body.json");
    Files.writeString(bodyFile, BODY);
  }

  @AfterAll
  void stop() {
    w.close();
  }

  private JsonNode sign(String keyid, Path key, String alg, String... extra) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                "sign-and-send.mjs",
                "--url",
                w.server().url() + "/v1/decisions",
                "--keyid",
                keyid,
                "--key-file",
                key.toString(),
                "--alg",
                alg,
                "--body-file",
                bodyFile.toString()));
    cmd.addAll(List.of(extra));
    String out = run(cmd);
    JsonNode r = TestWarden.JSON.readTree(out);
    r =
        ((com.fasterxml.jackson.databind.node.ObjectNode) r)
            .set("json", TestWarden.JSON.readTree(r.path("body").asText()));
    return r;
  }

  private static String run(List<String> cmd) throws Exception {
    NodeInterop.Result r = NodeInterop.run(cmd);
    assertThat(r.exit()).as("%s failed: %s", cmd, r.err()).isZero();
    return r.out();
  }

  @Test
  void ed25519SignedByNodeLibrary_accepted() throws Exception {
    JsonNode r = sign("node-agent", keyFile, "ed25519");
    assertThat(r.path("status").asInt()).as(r.toString()).isEqualTo(200);
    assertThat(r.path("json").path("decision").asText()).isEqualTo("allow");
    assertThat(r.path("json").path("agent").asText()).isEqualTo("node-agent");
  }

  @Test
  void hmacSignedByNodeLibrary_accepted() throws Exception {
    JsonNode r = sign("node-hmac", secretFile, "hmac-sha256");
    assertThat(r.path("status").asInt()).as(r.toString()).isEqualTo(200);
    assertThat(r.path("json").path("decision").asText()).isEqualTo("allow");
  }

  @Test
  void tamperedBody_refusedDigestMismatch() throws Exception {
    JsonNode r = sign("node-agent", keyFile, "ed25519", "--tamper", "body");
    assertThat(r.path("status").asInt()).isEqualTo(400);
    assertThat(r.path("json").path("code").asText()).isEqualTo("request.digest_mismatch");
  }

  @Test
  void tamperedSignedHeader_refusedBadSignature() throws Exception {
    JsonNode r = sign("node-agent", keyFile, "ed25519", "--tamper", "header");
    assertThat(r.path("status").asInt()).isEqualTo(401);
    assertThat(r.path("json").path("code").asText()).isEqualTo("auth.bad_signature");
  }

  @Test
  void sameNonceTwice_secondRefusedAsReplay() throws Exception {
    String nonce = TestWarden.newNonce();
    assertThat(sign("node-agent", keyFile, "ed25519", "--nonce=" + nonce).path("status").asInt())
        .isEqualTo(200);
    JsonNode r = sign("node-agent", keyFile, "ed25519", "--nonce=" + nonce);
    assertThat(r.path("status").asInt()).isEqualTo(409);
    assertThat(r.path("json").path("code").asText()).isEqualTo("replay.nonce_reused");
  }
}
