package dev.warden.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureAlgorithms.Algorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentCredentialsTest {

  private static final byte[] MESSAGE = "base".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @BeforeEach
  void requirePosix() {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void writeThenLoad_ed25519_roundTripsKeyAndIds() throws Exception {
    AgentCredentials written =
        AgentCredentials.generateEd25519("agent-1", "k1", WardenClientTest.seeded(1));
    Path file = dir.resolve("agent.json");
    written.write(file);

    AgentCredentials loaded = AgentCredentials.load(file);
    assertThat(loaded.agentId()).isEqualTo("agent-1");
    assertThat(loaded.keyId()).contains("k1");
    assertThat(loaded.signatureKeyId()).isEqualTo("agent-1/k1");
    assertThat(loaded.algorithm()).isEqualTo(Algorithm.ED25519);
    assertThat(loaded.publicKey()).isEqualTo(written.publicKey());
    assertThat(loaded.signingKey().sign(MESSAGE)).isEqualTo(written.signingKey().sign(MESSAGE));
    SignatureAlgorithms.verifyEd25519(
        loaded.publicKey(), MESSAGE, written.signingKey().sign(MESSAGE));
  }

  @Test
  void write_ed25519_createsOwnerOnlyFileInDocumentedFormat() throws Exception {
    AgentCredentials credentials =
        AgentCredentials.generateEd25519("agent-1", WardenClientTest.seeded(2));
    Path file = dir.resolve("agent.json");
    credentials.write(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String json = Files.readString(file);
    assertThat(json)
        .contains("\"agent\" : \"agent-1\"", "\"alg\" : \"ed25519\"")
        .doesNotContain("key_id");
    String publicKey = Base64.getEncoder().encodeToString(credentials.publicKey());
    assertThat(json).contains("\"public_key\" : \"" + publicKey + "\"");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void writeThenLoad_hmac_roundTripsSecret() throws Exception {
    byte[] secret = new byte[48];
    WardenClientTest.seeded(3).nextBytes(secret);
    Path file = dir.resolve("hmac.json");
    AgentCredentials.hmacSha256("agent-2", null, secret).write(file);

    AgentCredentials loaded = AgentCredentials.load(file);
    assertThat(loaded.algorithm()).isEqualTo(Algorithm.HMAC_SHA256);
    assertThat(loaded.signatureKeyId()).isEqualTo("agent-2");
    assertThat(loaded.signingKey().sign(MESSAGE))
        .isEqualTo(SignatureAlgorithms.signHmacSha256(secret, MESSAGE));
    assertThat(Files.readString(file))
        .contains("\"secret\" : \"" + Base64.getEncoder().encodeToString(secret) + "\"");
    assertThatThrownBy(loaded::publicKey).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void write_existingFile_refusesAndKeepsIt() throws Exception {
    Path file = dir.resolve("agent.json");
    AgentCredentials.generateEd25519("agent-1", WardenClientTest.seeded(4)).write(file);
    byte[] before = Files.readAllBytes(file);

    AgentCredentials other =
        AgentCredentials.generateEd25519("agent-1", WardenClientTest.seeded(5));
    assertThatThrownBy(() -> other.write(file)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rwx---rwx"})
  void load_fileOpenToGroupOrOthers_refusesWithChmodAdvice(String mode) throws Exception {
    Path file = dir.resolve("agent.json");
    AgentCredentials.generateEd25519("agent-1", WardenClientTest.seeded(6)).write(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

    assertThatThrownBy(() -> AgentCredentials.load(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chmod 600 " + file);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"agent\":\"agent-1\",\"alg\":\"hmac-sha256\",\"secret\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"} {}",
        "[]",
        "{\"agent\":\"agent-1\",\"alg\":\"ed25519\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"rsa\",\"secret\":\"AAAA\"}",
        "{\"agent\":\"Agent!\",\"alg\":\"ed25519\",\"private_key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"ed25519\",\"private_key\":\"AAAA\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"ed25519\",\"private_key\":\"not base64!\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"ed25519\",\"private_key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"public_key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"ed25519\",\"private_key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"extra\":1}",
        "{\"agent\":\"agent-1\",\"agent\":\"agent-2\",\"alg\":\"hmac-sha256\",\"secret\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
        "{\"agent\":\"agent-1\",\"alg\":\"hmac-sha256\",\"secret\":\"AAAA\"}",
      })
  void load_invalidKeyFile_throwsIoExceptionWithoutKeyMaterial(String content) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> AgentCredentials.load(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("AAAAAAAAAAAAAAAA")
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void load_missingFile_throwsIoException() {
    assertThatThrownBy(() -> AgentCredentials.load(dir.resolve("absent.json")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void generateEd25519_publicKeyDerivesFromSeed() {
    byte[] seed = new byte[32];
    WardenClientTest.seeded(7).nextBytes(seed);
    AgentCredentials credentials =
        AgentCredentials.generateEd25519("agent-1", WardenClientTest.seeded(7));
    assertThat(credentials.publicKey()).isEqualTo(SignatureAlgorithms.ed25519PublicKey(seed));
  }

  @Test
  void toString_showsIdsButNoKeyMaterial() {
    byte[] seed = new byte[32];
    WardenClientTest.seeded(8).nextBytes(seed);
    AgentCredentials credentials = AgentCredentials.ed25519("agent-1", "k1", seed);
    String shown = credentials.toString();
    assertThat(shown).isEqualTo("AgentCredentials[agent=agent-1, keyid=agent-1/k1, alg=ed25519]");
    assertThat(shown)
        .doesNotContain(Base64.getEncoder().encodeToString(seed))
        .doesNotContain(HexFormat.of().formatHex(seed));
    assertThat(credentials.signingKey().toString())
        .doesNotContain(Base64.getEncoder().encodeToString(seed));
  }

  @Test
  void create_invalidIds_throwIllegalArgument() {
    assertThatThrownBy(() -> AgentCredentials.ed25519("A", null, new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentCredentials.ed25519("agent-1", "a/b", new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentCredentials.hmacSha256("agent-1", null, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
