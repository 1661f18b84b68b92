package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.json.Canonical;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptIssuer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code warden verify FILE --log-key VKEY|FILE [--jwks FILE]}, with receipts from ReceiptIssuer.
 */
class VerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGIN = "warden.example.com/log";
  private static final SplittableRandom RANDOM = new SplittableRandom(0x7e41f1L);
  private static final NoteSigner LOG = new NoteSigner(ORIGIN, key());
  private static final Ed25519KeyPair RECEIPT_KEY = key();
  private static final String KID = Jwk.thumbprint(RECEIPT_KEY.publicKey());
  private static ObjectNode receipt;

  @TempDir Path tmp;

  @BeforeAll
  static void issueReceipt() throws Exception {
    List<byte[]> entries = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 42; i++) {
      ObjectNode e = JsonNodeFactory.instance.objectNode();
      e.put("v", 1);
      e.put("kind", "decision");
      e.put("decision_id", "01JDEC" + i);
      e.put("decision", i == 41 ? "deny" : "allow");
      byte[] bytes = Canonical.bytes(e);
      entries.add(bytes);
      leaves.add(MerkleHasher.leafHash(bytes));
    }
    NodeSource nodes = NodeSource.ofLeaves(leaves);
    String checkpoint = LOG.sign(new Checkpoint(ORIGIN, 42, MerkleProofs.root(42, nodes)).body());
    receipt =
        new ReceiptIssuer(RECEIPT_KEY, KID, ORIGIN)
            .issue(entries.get(41), 41, MerkleProofs.inclusion(41, 42, nodes), checkpoint)
            .toJson();
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new VerifyCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path write(String name, String content) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private Path jwksFile() throws Exception {
    return write("jwks.json", Jwks.of(RECEIPT_KEY.publicKey()).toJson());
  }

  @Test
  void verify_receiptWithVkeyAndJwks_printsOkAndExits0() throws Exception {
    Path file = write("receipt.json", JSON.writeValueAsString(receipt));
    Run r =
        run(
            file.toString(),
            "--log-key",
            LOG.verifierKey().format(),
            "--jwks",
            jwksFile().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "OK: decision 01JDEC41 (deny) is entry 41 of "
                + ORIGIN
                + " at size 42"
                + System.lineSeparator());
    assertThat(r.err()).isEmpty();
  }

  @Test
  void verify_wholeDecisionResponseAndKeyFile_exits0() throws Exception {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("decision", "deny");
    response.set("receipt", receipt);
    Path file =
        write("response.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(response));
    Path keyFile = write("log.vkey", LOG.verifierKey().format() + "\n");
    Run r = run(file.toString(), "--log-key", keyFile.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("OK: decision 01JDEC41 (deny) is entry 41");
    assertThat(r.err()).contains("JWS signature was not checked");
  }

  @Test
  void verify_anotherLogsKey_printsFailUnknownKeyAndExits1() throws Exception {
    Path file = write("receipt.json", JSON.writeValueAsString(receipt));
    NoteSigner other = new NoteSigner(ORIGIN, key());
    Run r = run(file.toString(), "--log-key", other.verifierKey().format());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAIL: UNKNOWN_KEY: ");
  }

  @Test
  void verify_tamperedEntry_printsFailAndExits1() throws Exception {
    ObjectNode bad = receipt.deepCopy();
    ObjectNode proof = (ObjectNode) bad.get("proof");
    proof.put("entry", proof.get("entry").asText().replace("deny", "allow"));
    Path file = write("receipt.json", JSON.writeValueAsString(bad));
    Run r =
        run(
            file.toString(),
            "--log-key",
            LOG.verifierKey().format(),
            "--jwks",
            jwksFile().toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAIL: INCLUSION: ");
  }

  @Test
  void verify_otherJwksKey_printsFailAndExits1() throws Exception {
    Path file = write("receipt.json", JSON.writeValueAsString(receipt));
    Path jwks = write("other.json", Jwks.of(key().publicKey()).toJson());
    Run r =
        run(file.toString(), "--log-key", LOG.verifierKey().format(), "--jwks", jwks.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAIL: JWS_UNKNOWN_KEY: ");
  }

  @Test
  void verify_fileNotJson_printsFailMalformedAndExits1() throws Exception {
    Path file = write("receipt.json", "not json");
    Run r = run(file.toString(), "--log-key", LOG.verifierKey().format());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAIL: MALFORMED: ");
  }

  @Test
  void verify_usageAndIoErrors_exit2() throws Exception {
    Path file = write("receipt.json", JSON.writeValueAsString(receipt));
    String vkey = LOG.verifierKey().format();
    assertThat(run(file.toString()).exit()).isEqualTo(2); // --log-key is required
    assertThat(run(tmp.resolve("missing.json").toString(), "--log-key", vkey).exit()).isEqualTo(2);
    assertThat(run(file.toString(), "--log-key", "not-a-vkey").exit()).isEqualTo(2);
    assertThat(run(file.toString(), "--log-key", vkey.replace("+", "+0")).exit()).isEqualTo(2);
    Path badJwks = write("bad.json", "{\"keys\":[{\"kty\":\"RSA\"}]}");
    Run r = run(file.toString(), "--log-key", vkey, "--jwks", badJwks.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--jwks");
  }

  private static Ed25519KeyPair key() {
    byte[] seed = new byte[32];
    RANDOM.nextBytes(seed);
    return Ed25519KeyPair.fromSeed(seed);
  }
}
