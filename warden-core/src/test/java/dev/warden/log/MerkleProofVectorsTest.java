package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RFC 6962 proof vector of transparency-dev/merkle in {@code
 * src/test/resources/merkle-proofs/} (see its README): the display name is the file's path, which
 * names the mutation it applies.
 */
class MerkleProofVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/merkle-proofs";

  /** The one success case whose "roots" are not 32 bytes; {@link MerkleProofs} refuses those. */
  private static final String LENIENT_CASE =
      "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

  /** transparency-dev/merkle testonly/constants.go, LeafInputs(). */
  private static final List<byte[]> LEAF_HASHES =
      Stream.of(
              "",
              "00",
              "10",
              "2021",
              "3031",
              "40414243",
              "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
          .map(HexFormat.of()::parseHex)
          .map(MerkleHasher::leafHash)
          .toList();

  static Stream<String> inclusionVectors() {
    return vectors("inclusion");
  }

  static Stream<String> consistencyVectors() {
    return vectors("consistency");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionVectors")
  void verifyInclusion_vector_acceptsExactlyTheHappyPaths(String name) {
    JsonNode v = read(name);
    byte[] leaf = b64(v.get("leafHash"));
    long index = v.get("leafIdx").asLong();
    long size = v.get("treeSize").asLong();
    List<byte[]> proof = hashes(v.get("proof"));
    byte[] root = b64(v.get("root"));
    if (v.get("wantErr").asBoolean()) {
      assertThatThrownBy(() -> MerkleProofs.verifyInclusion(leaf, index, size, proof, root))
          .as(name)
          .isInstanceOf(ProofException.class);
    } else {
      assertThatCode(() -> MerkleProofs.verifyInclusion(leaf, index, size, proof, root))
          .as(name)
          .doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyVectors")
  void verifyConsistency_vector_acceptsExactlyTheHappyPaths(String name) {
    JsonNode v = read(name);
    long size1 = v.get("size1").asLong();
    long size2 = v.get("size2").asLong();
    List<byte[]> proof = hashes(v.get("proof"));
    byte[] root1 = b64(v.get("root1"));
    byte[] root2 = b64(v.get("root2"));
    if (name.equals(LENIENT_CASE)) {
      assertThat(v.get("wantErr").asBoolean()).isFalse();
      assertThatThrownBy(() -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, root2))
          .as(name)
          .isInstanceOfSatisfying(
              ProofException.class,
              e -> assertThat(e.reason()).isEqualTo(ProofException.Reason.MALFORMED));
    } else if (v.get("wantErr").asBoolean()) {
      assertThatThrownBy(() -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, root2))
          .as(name)
          .isInstanceOf(ProofException.class);
    } else {
      assertThatCode(() -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, root2))
          .as(name)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void vectors_coverHappyPathsAndMutations() {
    List<String> inclusion = inclusionVectors().toList();
    List<String> consistency = consistencyVectors().toList();
    assertThat(inclusion).contains("inclusion/1/modified-proof[1]-bit-@3.json");
    assertThat(consistency).contains("consistency/2/size2-mul-@2.json");
    assertThat(inclusion.size() + consistency.size()).isEqualTo(196);
  }

  static Stream<String> happyPaths(String kind) {
    return Stream.of(0, 1, 2, 3, 4).map(d -> kind + "/" + d + "/happy-path.json");
  }

  static Stream<String> inclusionHappyPaths() {
    return happyPaths("inclusion");
  }

  static Stream<String> consistencyHappyPaths() {
    return happyPaths("consistency");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionHappyPaths")
  void inclusion_testLeavesOfHappyPath_equalsVectorProof(String name) throws Exception {
    JsonNode v = read(name);
    int size = v.get("treeSize").asInt();
    NodeSource nodes = NodeSource.ofLeaves(LEAF_HASHES.subList(0, size));
    assertThat(MerkleProofsTest.hex(MerkleProofs.inclusion(v.get("leafIdx").asLong(), size, nodes)))
        .as(name)
        .isEqualTo(MerkleProofsTest.hex(hashes(v.get("proof"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyHappyPaths")
  void consistency_testLeavesOfHappyPath_equalsVectorProof(String name) throws Exception {
    JsonNode v = read(name);
    int size2 = v.get("size2").asInt();
    NodeSource nodes = NodeSource.ofLeaves(LEAF_HASHES.subList(0, size2));
    assertThat(
            MerkleProofsTest.hex(MerkleProofs.consistency(v.get("size1").asLong(), size2, nodes)))
        .as(name)
        .isEqualTo(MerkleProofsTest.hex(hashes(v.get("proof"))));
  }

  private static Stream<String> vectors(String kind) {
    try {
      URL url = Objects.requireNonNull(MerkleProofVectorsTest.class.getResource(ROOT + "/" + kind));
      Path dir = Path.of(url.toURI());
      Path base = dir.getParent();
      try (Stream<Path> files = Files.walk(dir)) {
        List<String> names = new ArrayList<>();
        files
            .filter(p -> p.toString().endsWith(".json"))
            .map(p -> base.relativize(p).toString().replace('\\', '/'))
            .sorted()
            .forEach(names::add);
        return names.stream();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String name) {
    try (var in = MerkleProofVectorsTest.class.getResourceAsStream(ROOT + "/" + name)) {
      return JSON.readTree(Objects.requireNonNull(in, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(h -> out.add(b64(h)));
    return out;
  }
}
