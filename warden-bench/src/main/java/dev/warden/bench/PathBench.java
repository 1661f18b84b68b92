package dev.warden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.LabeledSignature;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureBase;
import dev.warden.httpsig.SignatureHeaders;
import dev.warden.httpsig.SigningKey;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.StrictJson;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.ReceiptIssuer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pieces of a decision's path, one by one (SPEC §19): strict parsing and RFC 8785
 * canonicalization of a request, RFC 9421 signature-base construction and Ed25519 verification, a
 * Merkle append, an inclusion proof, a checkpoint signature, and a receipt (JWS and proof) — so the
 * cost of a whole decision ({@code warden bench}) can be set against its parts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PathBench {
  static final byte[] BODY =
      ("{\"action\":\"payments.transfer\",\"resource\":\"acct/ops-7\",\"params\":{\"amount\":"
              + "\"120.50\",\"currency\":\"EUR\",\"to\":\"DE89370400440532013000\",\"memo\":"
              + "\"invoice 2026-118\"},\"labels\":{\"env\":\"prod\",\"team\":\"finance\"}}")
          .getBytes(StandardCharsets.UTF_8);

  private static final int TREE = 1 << 20;

  private HttpRequestView signed;
  private byte[] agentPublicKey;
  private JsonNode parsed;
  private MerkleFrontier frontier;
  private NodeSource nodes;
  private long proofIndex;
  private NoteSigner noteSigner;
  private String checkpointText;
  private String signedCheckpoint;
  private ReceiptIssuer issuer;
  private byte[] entry;
  private List<byte[]> entryProof;
  private long leaf;

  @Setup
  public void setUp() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    SigningKey agent = SigningKey.ed25519("bench-agent", seed);
    agentPublicKey = agent.publicKey().orElseThrow();
    URI target = URI.create("https://warden.example/v1/decisions");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.putAll(
        MessageSigner.of(agent)
            .sign("POST", target, headers, BODY, 1_790_000_000L, null, "n0nce-abcdefghijklmnop"));
    Map<String, List<String>> view = new LinkedHashMap<>();
    headers.forEach((k, v) -> view.put(k, List.of(v)));
    signed = HttpRequestView.of("POST", target, view);
    parsed = StrictJson.parse(BODY, JsonLimits.defaults());

    // A tree of 2^20 leaves whose every node is known: proofs read them from memory.
    Map<Long, byte[]> stored = new HashMap<>();
    frontier = MerkleFrontier.empty();
    for (long i = 0; i < TREE; i++) {
      byte[] leafHash = MerkleHasher.leafHash(Long.toString(i).getBytes(StandardCharsets.UTF_8));
      frontier.append(leafHash, (level, index, hash) -> stored.put(key(level, index), hash));
    }
    nodes = (level, index) -> stored.get(key(level, index));
    proofIndex = 123_457;

    Ed25519KeyPair logKey = Ed25519KeyPair.generate(random);
    noteSigner = new NoteSigner("warden.bench/log", logKey);
    checkpointText = new Checkpoint("warden.bench/log", TREE, frontier.root()).body();
    signedCheckpoint = noteSigner.sign(checkpointText);

    Ed25519KeyPair receiptKey = Ed25519KeyPair.generate(random);
    issuer =
        new ReceiptIssuer(receiptKey, Jwk.thumbprint(receiptKey.publicKey()), "warden.bench/log");
    // One leaf whose entry is a real canonical entry: a one-leaf tree's checkpoint.
    entry =
        Canonical.bytes(
            StrictJson.parse(
                ("{\"decision\":\"allow\",\"decision_id\":\"01J9ZK3T5E7Q8W2R4Y6U8I0O1P\",\"kind\":"
                        + "\"decision\",\"ts\":\"2026-11-22T05:00:00Z\",\"v\":1}")
                    .getBytes(StandardCharsets.UTF_8),
                JsonLimits.defaults()));
    leaf = 0;
    entryProof = new ArrayList<>();
    signedCheckpoint =
        noteSigner.sign(new Checkpoint("warden.bench/log", 1, MerkleHasher.leafHash(entry)).body());
  }

  private static long key(int level, long index) {
    return ((long) level << 56) | index;
  }

  @Benchmark
  public byte[] parseAndCanonicalize() throws Exception {
    return Canonical.bytes(StrictJson.parse(BODY, JsonLimits.defaults()));
  }

  @Benchmark
  public byte[] canonicalize() {
    return Canonical.bytes(parsed);
  }

  @Benchmark
  public byte[] signatureBase() throws Exception {
    LabeledSignature s = SignatureHeaders.parse(signed).get(0);
    return SignatureBase.build(signed, s.params());
  }

  @Benchmark
  public LabeledSignature signatureBaseAndVerifyEd25519() throws Exception {
    LabeledSignature s = SignatureHeaders.parse(signed).get(0);
    SignatureAlgorithms.verifyEd25519(
        agentPublicKey, SignatureBase.build(signed, s.params()), s.signature());
    return s;
  }

  @Benchmark
  public long merkleAppend() {
    frontier.append(MerkleHasher.leafHash(BODY), (level, index, hash) -> {});
    return frontier.size();
  }

  @Benchmark
  public List<byte[]> inclusionProof() throws Exception {
    return MerkleProofs.inclusion(proofIndex, TREE, nodes);
  }

  @Benchmark
  public String checkpointSignature() {
    return noteSigner.sign(checkpointText);
  }

  @Benchmark
  public Object receipt() {
    return issuer.issue(entry, leaf, entryProof, signedCheckpoint);
  }
}
