package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code warden proof verify-inclusion|verify-consistency}: exit 0 valid, 1 invalid, 2 usage. */
class ProofCommandTest {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final List<byte[]> LEAVES = new ArrayList<>();
  private static final NodeSource NODES;

  static {
    for (int i = 0; i < 42; i++) {
      LEAVES.add(MerkleHasher.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    NODES = NodeSource.ofLeaves(LEAVES);
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ProofCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String b64(byte[] b) {
    return B64.encodeToString(b);
  }

  private static String proof(List<byte[]> hashes) {
    return hashes.stream().map(ProofCommandTest::b64).collect(Collectors.joining(","));
  }

  private static String[] inclusionArgs(int index, int size, String proof, String root) {
    return new String[] {
      "verify-inclusion",
      "--leaf-hash",
      b64(LEAVES.get(index)),
      "--index",
      String.valueOf(index),
      "--size",
      String.valueOf(size),
      "--root",
      root,
      "--proof",
      proof
    };
  }

  @Test
  void verifyInclusion_validProof_exits0() throws Exception {
    String root = b64(MerkleProofs.root(42, NODES));
    Run r = run(inclusionArgs(17, 42, proof(MerkleProofs.inclusion(17, 42, NODES)), root));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("OK: leaf 17 is in the tree of size 42");
  }

  @Test
  void verifyInclusion_singleLeafTreeWithEmptyProof_exits0() throws Exception {
    Run r = run(inclusionArgs(0, 1, "", b64(LEAVES.get(0))));
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void verifyInclusion_wrongRootOrIndex_exits1WithReason() throws Exception {
    String proof = proof(MerkleProofs.inclusion(17, 42, NODES));
    Run wrongRoot = run(inclusionArgs(17, 42, proof, b64(MerkleProofs.root(41, NODES))));
    assertThat(wrongRoot.exit()).isEqualTo(1);
    assertThat(wrongRoot.out()).startsWith("FAIL: ROOT_MISMATCH: ");

    String[] args = inclusionArgs(17, 42, proof, b64(MerkleProofs.root(42, NODES)));
    args[4] = "16";
    Run wrongIndex = run(args);
    assertThat(wrongIndex.exit()).isEqualTo(1);
    assertThat(wrongIndex.out()).startsWith("FAIL: ");

    Run outOfRange = run(inclusionArgs(17, 17, "", b64(LEAVES.get(0))));
    assertThat(outOfRange.exit()).isEqualTo(1);
    assertThat(outOfRange.out()).startsWith("FAIL: OUT_OF_RANGE: ");
  }

  @Test
  void verifyInclusion_badBase64OrLength_exits2() throws Exception {
    String root = b64(MerkleProofs.root(42, NODES));
    String proof = proof(MerkleProofs.inclusion(17, 42, NODES));
    for (String[] args :
        List.of(
            inclusionArgs(17, 42, proof, "not base64!"),
            inclusionArgs(17, 42, proof, b64(new byte[31])),
            inclusionArgs(17, 42, proof, root.replace("=", "")),
            inclusionArgs(17, 42, proof + ",", root),
            inclusionArgs(17, 42, proof.replace(",", ", "), root),
            inclusionArgs(17, -42, proof, root))) {
      Run r = run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).startsWith("warden: ");
    }
    Run missing = run("verify-inclusion", "--index", "1");
    assertThat(missing.exit()).isEqualTo(2);
    Run notANumber = run(inclusionArgs(17, 42, proof, root)[0], "--index", "x");
    assertThat(notANumber.exit()).isEqualTo(2);
  }

  @Test
  void verifyConsistency_validProofAndEqualSizes_exit0() throws Exception {
    Run r =
        run(
            "verify-consistency",
            "--size1",
            "7",
            "--size2",
            "42",
            "--root1",
            b64(MerkleProofs.root(7, NODES)),
            "--root2",
            b64(MerkleProofs.root(42, NODES)),
            "--proof",
            proof(MerkleProofs.consistency(7, 42, NODES)));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("OK: the tree of size 7 is a prefix of the tree of size 42");

    String root = b64(MerkleProofs.root(42, NODES));
    Run equal =
        run(
            "verify-consistency",
            "--size1",
            "42",
            "--size2",
            "42",
            "--root1",
            root,
            "--root2",
            root,
            "--proof",
            "");
    assertThat(equal.exit()).as(equal.err()).isZero();
  }

  @Test
  void verifyConsistency_forkedRootOrWrongProof_exits1() throws Exception {
    List<byte[]> forked = new ArrayList<>(LEAVES);
    forked.set(3, MerkleHasher.leafHash("forged".getBytes(StandardCharsets.UTF_8)));
    NodeSource fork = NodeSource.ofLeaves(forked);
    Run r =
        run(
            "verify-consistency",
            "--size1",
            "7",
            "--size2",
            "42",
            "--root1",
            b64(MerkleProofs.root(7, NODES)),
            "--root2",
            b64(MerkleProofs.root(42, fork)),
            "--proof",
            proof(MerkleProofs.consistency(7, 42, NODES)));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAIL: ROOT_MISMATCH: ");

    Run empty =
        run(
            "verify-consistency",
            "--size1",
            "7",
            "--size2",
            "42",
            "--root1",
            b64(MerkleProofs.root(7, NODES)),
            "--root2",
            b64(MerkleProofs.root(42, NODES)),
            "--proof",
            "");
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.out()).startsWith("FAIL: WRONG_PROOF_LENGTH: ");
  }

  @Test
  void verifyConsistency_badRoot_exits2() {
    Run r =
        run(
            "verify-consistency",
            "--size1",
            "1",
            "--size2",
            "2",
            "--root1",
            "AAAA",
            "--root2",
            "AAAA",
            "--proof",
            "");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--root1");
  }

  @Test
  void proof_withoutSubcommand_printsUsageAndExits2() {
    Run r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("verify-inclusion").contains("verify-consistency");
    Run help = run("verify-inclusion", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--leaf-hash").contains("RFC 9162");
  }
}
