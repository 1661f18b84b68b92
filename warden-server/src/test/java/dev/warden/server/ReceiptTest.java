package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptException;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Receipts and proofs from the real server, checked offline with nothing but what a third party can
 * download: the vkey, the JWKS and the log's public endpoints — and the JWS by the npm package
 * {@code jose}, an implementation Warden did not write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptTest {
  static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  @TempDir static Path tmp;
  TestWarden w;
  TestWarden.Agent agent;
  List<NoteVerifierKey> logKeys;
  String jwksJson;

  @BeforeAll
  void start() throws Exception {
    NodeInterop.ensureInstalled();
    w = TestWarden.start(tmp);
    agent = w.createAgent("agent-1");
    logKeys = List.of(NoteVerifierKey.parse(get("/.well-known/warden/log-key").strip()));
    jwksJson = get("/.well-known/warden/jwks.json");
  }

  @AfterAll
  void stop() {
    w.close();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r =
        w.http.send(
            HttpRequest.newBuilder(w.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }

  @Test
  void everyDecision_carriesAReceiptThatVerifiesOffline() throws Exception {
    for (String body :
        new String[] {
          PAY,
          "{\"action\":\"rockets.launch\",\"resource\":\"pad\"}",
          "{\"action\":\"files.delete\",\"resource\":\"x\"}"
        }) {
      JsonNode d = TestWarden.json(w.send(agent.key(), TestWarden.req(body)));
      VerifiedReceipt v = ReceiptVerifier.verify(d.path("receipt"), logKeys, Jwks.parse(jwksJson));
      assertThat(v.leafIndex()).isEqualTo(d.path("log_index").asLong());
      assertThat(v.entry().path("decision_id").asText()).isEqualTo(d.path("decision_id").asText());
      assertThat(v.entry().path("decision").asText()).isEqualTo(d.path("decision").asText());
      assertThat(v.checkpoint().origin()).isEqualTo("warden.local/log");
    }
  }

  @Test
  void receiptEndpoint_servesTheSameReceiptAsTheAnswer() throws Exception {
    JsonNode d = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
    JsonNode r =
        TestWarden.JSON.readTree(
            get("/v1/decisions/" + d.path("decision_id").asText() + "/receipt"));
    assertThat(r).isEqualTo(d.path("receipt"));
  }

  /**
   * Under concurrency, answers' receipts come from commit batches of many entries, proved in memory
   * as the batch was sealed; each must verify and equal the one the endpoint builds from the stored
   * tree, and each answer the decision as read back from the log.
   */
  @Test
  void concurrentDecisions_batchedReceiptsVerifyAndMatchTheStoredTree() throws Exception {
    List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 48; i++) {
        answers.add(pool.submit(() -> w.send(agent.key(), TestWarden.req(PAY)).body()));
      }
    }
    java.util.Set<Long> sizes = new java.util.HashSet<>();
    for (var a : answers) {
      JsonNode d = TestWarden.JSON.readTree(a.get());
      VerifiedReceipt v = ReceiptVerifier.verify(d.path("receipt"), logKeys, Jwks.parse(jwksJson));
      sizes.add(v.checkpoint().size());
      JsonNode stored =
          TestWarden.JSON.readTree(
              get("/v1/decisions/" + d.path("decision_id").asText() + "/receipt"));
      assertThat(stored).isEqualTo(d.path("receipt"));
      TestWarden.Req read = TestWarden.req("");
      read.method = "GET";
      read.path = "/v1/decisions/" + d.path("decision_id").asText();
      read.headers.remove("Content-Type");
      assertThat(TestWarden.json(w.send(agent.key(), read))).isEqualTo(d);
    }
    assertThat(sizes).as("checkpoints shared by several answers").hasSizeLessThan(48);
  }

  @Test
  void receiptFromAnotherLog_refused() throws Exception {
    JsonNode d = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
    NoteVerifierKey stranger = NoteVerifierKey.of("warden.local/log", new byte[32]);
    assertThatThrownBy(() -> ReceiptVerifier.verify(d.path("receipt"), List.of(stranger), null))
        .isInstanceOf(ReceiptException.class);
  }

  @Test
  void jws_verifiedByJoseFromNpm_andTamperingRefused() throws Exception {
    JsonNode d = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), jwksJson);
    String jws = d.path("receipt").path("jws").asText();
    Path good = Files.writeString(tmp.resolve("good.jws"), jws);
    NodeInterop.Result ok =
        NodeInterop.run(
            List.of("node", "verify-jws.mjs", "--jwks", jwks.toString(), "--jws", good.toString()));
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    JsonNode out = TestWarden.JSON.readTree(ok.out());
    assertThat(out.path("header").path("alg").asText()).isEqualTo("EdDSA");
    assertThat(out.path("payload").path("decision_id").asText())
        .isEqualTo(d.path("decision_id").asText());
    assertThat(out.path("payload").path("log_index").asLong())
        .isEqualTo(d.path("log_index").asLong());

    String[] parts = jws.split("\\.");
    byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
    String forged = new String(payload, StandardCharsets.UTF_8).replace("\"allow\"", "\"deny\"");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Path bad = Files.writeString(tmp.resolve("bad.jws"), tampered);
    NodeInterop.Result refused =
        NodeInterop.run(
            List.of("node", "verify-jws.mjs", "--jwks", jwks.toString(), "--jws", bad.toString()));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.out()).contains("\"ok\":false");
  }

  @Test
  void proofEndpoints_inclusionAndConsistency_verifyAgainstSignedCheckpoints() throws Exception {
    Checkpoint first = Checkpoint.open(get("/v1/log/checkpoint"), logKeys);
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      indexes.add(
          TestWarden.json(w.send(agent.key(), TestWarden.req(PAY))).path("log_index").asLong());
    }
    Checkpoint second = Checkpoint.open(get("/v1/log/checkpoint"), logKeys);
    assertThat(second.size()).isGreaterThan(first.size());

    JsonNode c =
        TestWarden.JSON.readTree(
            get("/v1/log/proof/consistency?size1=" + first.size() + "&size2=" + second.size()));
    MerkleProofs.verifyConsistency(
        first.size(), second.size(), hashes(c), first.root(), second.root());

    JsonNode entries =
        TestWarden.JSON
            .readTree(get("/v1/log/entries?start=0&end=" + second.size()))
            .path("entries");
    for (long i : indexes) {
      JsonNode p =
          TestWarden.JSON.readTree(
              get("/v1/log/proof/inclusion?index=" + i + "&size=" + second.size()));
      byte[] leaf =
          MerkleHasher.leafHash(
              entries.get((int) i).path("entry").asText().getBytes(StandardCharsets.UTF_8));
      MerkleProofs.verifyInclusion(leaf, i, second.size(), hashes(p), second.root());
    }
    String tlog =
        get(
            "/v1/log/proof/inclusion?index="
                + indexes.get(0)
                + "&size="
                + second.size()
                + "&format=tlog-proof");
    assertThat(tlog).startsWith("c2sp.org/tlog-proof@v1\n");
  }

  @Test
  void proofEndpoints_badParameters_400() throws Exception {
    long size = Checkpoint.open(get("/v1/log/checkpoint"), logKeys).size();
    for (String q :
        new String[] {
          "inclusion?index=" + size + "&size=" + size,
          "inclusion?size=1",
          "inclusion?index=0&size=" + (size + 100),
          "consistency?size1=5&size2=2",
          "consistency?size1=x"
        }) {
      HttpResponse<String> r =
          w.http.send(
              HttpRequest.newBuilder(w.uri("/v1/log/proof/" + q)).build(),
              HttpResponse.BodyHandlers.ofString());
      RefusalTest.assertProblem(r, 400, "request.invalid");
    }
  }

  private static List<byte[]> hashes(JsonNode proof) {
    List<byte[]> out = new ArrayList<>();
    proof.path("hashes").forEach(h -> out.add(Base64.getDecoder().decode(h.asText())));
    return out;
  }
}
