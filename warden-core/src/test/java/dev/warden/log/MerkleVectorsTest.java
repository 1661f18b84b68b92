package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Roots of {@link MerkleFrontier} against the RFC 6962 vectors of transparency-dev/merkle (see
 * {@code src/test/resources/merkle/README.md}): the vectors' trees are built over that project's
 * eight test leaves, which are checked against the vectors' leaf hashes before any root is.
 */
class MerkleVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** transparency-dev/merkle testonly/constants.go, LeafInputs(). */
  private static final List<byte[]> LEAVES =
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
          .toList();

  static Stream<String> inclusionVectors() {
    return Stream.of(0, 1, 2, 3, 4).map(d -> "/merkle/inclusion/" + d + "/happy-path.json");
  }

  static Stream<String> consistencyVectors() {
    return Stream.of(0, 1, 2, 3, 4).map(d -> "/merkle/consistency/" + d + "/happy-path.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionVectors")
  void leafHash_testLeafOfInclusionVector_equalsVectorLeafHash(String resource) throws IOException {
    JsonNode v = read(resource);
    int index = v.get("leafIdx").asInt();
    assertThat(b64(MerkleHasher.leafHash(LEAVES.get(index))))
        .as(resource)
        .isEqualTo(v.get("leafHash").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inclusionVectors")
  void root_frontierOverTreeSizeLeaves_equalsInclusionVectorRoot(String resource)
      throws IOException {
    JsonNode v = read(resource);
    assertThat(b64(frontier(v.get("treeSize").asInt()).root()))
        .as(resource)
        .isEqualTo(v.get("root").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyVectors")
  void root_frontierOverSize1AndSize2Leaves_equalsConsistencyVectorRoots(String resource)
      throws IOException {
    JsonNode v = read(resource);
    assertThat(b64(frontier(v.get("size1").asInt()).root()))
        .as(resource + " root1")
        .isEqualTo(v.get("root1").asText());
    assertThat(b64(frontier(v.get("size2").asInt()).root()))
        .as(resource + " root2")
        .isEqualTo(v.get("root2").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("consistencyVectors")
  void restore_frontierOfSize1ExtendedToSize2_equalsConsistencyVectorRoot2(String resource)
      throws IOException {
    JsonNode v = read(resource);
    int size1 = v.get("size1").asInt();
    MerkleFrontier f = MerkleFrontier.restore(size1, frontier(size1).serialize());
    for (int i = size1; i < v.get("size2").asInt(); i++) {
      f.append(MerkleHasher.leafHash(LEAVES.get(i)));
    }
    assertThat(b64(f.root())).as(resource).isEqualTo(v.get("root2").asText());
  }

  @org.junit.jupiter.api.Test
  void root_emptyTree_equalsVectorEmptyRoot() throws IOException {
    JsonNode v = read("/merkle/inclusion/additional/0/empty-root.json");
    assertThat(v.get("treeSize").asInt()).isZero();
    assertThat(b64(MerkleFrontier.empty().root())).isEqualTo(v.get("root").asText());
  }

  private static MerkleFrontier frontier(int size) {
    MerkleFrontier f = MerkleFrontier.empty();
    for (int i = 0; i < size; i++) {
      f.append(MerkleHasher.leafHash(LEAVES.get(i)));
    }
    return f;
  }

  private static JsonNode read(String resource) throws IOException {
    try (InputStream in = MerkleVectorsTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return JSON.readTree(in);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
