package dev.warden.cli;

import static dev.warden.cli.AuditFixture.audit;
import static dev.warden.cli.AuditFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.log.MerkleHasher;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code warden audit verify} against a real data directory, damaged with plain JDBC in each way
 * SPEC §12 names: each is detected, classified and located. Each test damages its own copy.
 */
@ResourceLock("java.lang.System.out") // its servers log to the console CliTest captures
class AuditTamperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGIN = "warden.local/log";

  @TempDir static Path shared;
  private static Path pristine;
  private static String savedCheckpoint;

  @TempDir Path tmp;

  @BeforeAll
  static void buildLog() throws Exception {
    pristine = shared.resolve("pristine");
    savedCheckpoint = AuditFixture.build(pristine, 40);
  }

  private Path copy() throws Exception {
    return AuditFixture.copy(pristine, tmp.resolve("data"));
  }

  private static NoteSigner realKey(Path dir) throws Exception {
    return new NoteSigner(ORIGIN, new DataDir(dir).loadKeys(TestKeys.PROTECTION).checkpoint());
  }

  /** A checkpoint size strictly inside the log, with more checkpoints after it. */
  private static long middleCheckpoint(Path dir) throws Exception {
    List<Long> sizes = AuditFixture.checkpointSizes(dir);
    return sizes.get(sizes.size() / 2);
  }

  private static AuditFixture.Run verify(Path dir, String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "verify";
    args[1] = "--data-dir";
    args[2] = dir.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return audit(args);
  }

  private static void assertDamaged(AuditFixture.Run r, String kind, long index) {
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    String where =
        kind.equals("forked") || kind.contains("_") && !kind.equals("node_mismatch")
            ? " at checkpoint of size "
            : " at index ";
    assertThat(r.out()).as(r.err()).contains("DAMAGED: " + kind + where + index + ": ");
  }

  @Test
  void verify_realLog_printsKeyAndOkWithCountsAndExits0() throws Exception {
    Path dir = copy();
    AuditFixture.Run r = verify(dir);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String vkey = realKey(dir).verifierKey().format();
    assertThat(r.out())
        .isEqualTo(
            "Keys: "
                + vkey
                + " (the data directory's checkpoint keys)\n"
                + "OK: "
                + AuditFixture.size(dir)
                + " entries, "
                + AuditFixture.checkpointSizes(dir).size()
                + " checkpoints verified\n");
    assertThat(AuditFixture.checkpointSizes(dir).size())
        .as("concurrent requests share batches")
        .isLessThan((int) AuditFixture.size(dir));
    assertThat(r.err()).isEmpty(); // no progress bar when stderr is not a terminal
  }

  @Test
  void verify_realLogWithTrustedCheckpointAsJson_printsCleanObject() throws Exception {
    Path dir = copy();
    Path saved = Files.writeString(tmp.resolve("checkpoint.txt"), savedCheckpoint);
    AuditFixture.Run r = verify(dir, "--trusted-checkpoint", saved.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.get("status").asText()).isEqualTo("clean");
    assertThat(o.get("size").asLong()).isEqualTo(AuditFixture.size(dir));
    assertThat(o.get("checkpoints").asLong()).isEqualTo(AuditFixture.checkpointSizes(dir).size());
    assertThat(o.has("damage")).isFalse();
    assertThat(o.get("keys").get(0).asText()).isEqualTo(realKey(dir).verifierKey().format());
  }

  @Test
  void verify_freshDataDirectory_isCleanWithNoEntries() throws Exception {
    Path dir = tmp.resolve("fresh");
    DataDir.init(dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    AuditFixture.Run r = verify(dir);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("OK: 0 entries, 0 checkpoints verified\n");
  }

  @Test
  void verify_oneServerStart_isCleanWithOneEntry() throws Exception {
    Path dir = tmp.resolve("once");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)
        .close();
    AuditFixture.Run r = verify(dir);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("OK: 1 entries, 1 checkpoints verified\n");
  }

  @Test
  void verify_modifiedEntry_isModifiedAtItsIndex() throws Exception {
    Path dir = copy();
    String e = new String(AuditFixture.entry(dir, 10), StandardCharsets.UTF_8);
    exec(
        dir,
        "UPDATE log_entries SET entry = ? WHERE idx = 10",
        e.replace("acme", "acmf").getBytes(StandardCharsets.UTF_8));
    assertDamaged(verify(dir), "modified", 10);
  }

  @Test
  void verify_deletedEntryLaterOnesShiftedDown_isDeletedAtItsIndex() throws Exception {
    Path dir = copy();
    exec(dir, "DELETE FROM log_entries WHERE idx = 12");
    AuditFixture.shift(dir, 13, -1);
    AuditFixture.fixHead(dir);
    assertDamaged(verify(dir), "deleted", 12);
  }

  @Test
  void verify_deletedEntryHeadLeftAsItWas_isStillLocated() throws Exception {
    Path dir = copy();
    exec(dir, "DELETE FROM log_entries WHERE idx = 12");
    AuditFixture.shift(dir, 13, -1);
    assertDamaged(verify(dir), "deleted", 12);
  }

  @Test
  void verify_insertedEntry_isInsertedAtItsIndex() throws Exception {
    Path dir = copy();
    byte[] forged = AuditFixture.entry(dir, 7).clone();
    forged[forged.length - 2]++;
    AuditFixture.shift(dir, 7, 1);
    exec(dir, "INSERT INTO log_entries (idx, entry) VALUES (7, ?)", forged);
    AuditFixture.fixHead(dir);
    assertDamaged(verify(dir), "inserted", 7);
  }

  @Test
  void verify_swappedEntries_isReorderedAtTheFirst() throws Exception {
    Path dir = copy();
    byte[] a = AuditFixture.entry(dir, 5);
    byte[] b = AuditFixture.entry(dir, 6);
    exec(dir, "UPDATE log_entries SET entry = ? WHERE idx = 5", b);
    exec(dir, "UPDATE log_entries SET entry = ? WHERE idx = 6", a);
    AuditFixture.Run r = verify(dir);
    assertDamaged(r, "reordered", 5);
    assertThat(r.out()).contains("entries 5 and 6 changed places");
  }

  @Test
  void verify_truncatedTailWithItsCheckpoints_onlyTheTrustedCheckpointCatchesIt() throws Exception {
    Path dir = copy();
    long keep = middleCheckpoint(dir);
    exec(dir, "DELETE FROM log_entries WHERE idx >= ?", keep);
    exec(dir, "DELETE FROM checkpoints WHERE size > ?", keep);
    exec(dir, "DELETE FROM tree_nodes WHERE ((idx + 1) << level) > ?", keep);
    AuditFixture.fixHead(dir);

    assertThat(verify(dir).exit())
        .as("without outside evidence the shorter log is consistent")
        .isZero();
    Path saved = Files.writeString(tmp.resolve("checkpoint.txt"), savedCheckpoint);
    AuditFixture.Run r = verify(dir, "--trusted-checkpoint", saved.toString());
    assertDamaged(r, "truncated", keep);
    assertThat(r.out()).contains("the trusted checkpoint");
  }

  @Test
  void verify_tailRemovedCheckpointsKept_isTruncated() throws Exception {
    Path dir = copy();
    long keep = middleCheckpoint(dir);
    exec(dir, "DELETE FROM log_entries WHERE idx >= ?", keep);
    AuditFixture.fixHead(dir);
    assertDamaged(verify(dir), "truncated", keep);
  }

  @Test
  void verify_checkpointRewrittenWithTheRealKey_isForked() throws Exception {
    Path dir = copy();
    long size = middleCheckpoint(dir);
    String forged =
        realKey(dir).sign(new Checkpoint(ORIGIN, size, MerkleHasher.emptyRoot()).body());
    exec(dir, "UPDATE checkpoints SET note = ? WHERE size = ?", forged, size);
    assertDamaged(verify(dir), "forked", size);
  }

  @Test
  void verify_trustedCheckpointOfAnotherTreeSignedByTheRealKey_isForked() throws Exception {
    Path dir = copy();
    long size = middleCheckpoint(dir);
    String other = realKey(dir).sign(new Checkpoint(ORIGIN, size, MerkleHasher.emptyRoot()).body());
    Path saved = Files.writeString(tmp.resolve("other.txt"), other);
    AuditFixture.Run r = verify(dir, "--trusted-checkpoint", saved.toString(), "--json");
    JsonNode o = JSON.readTree(r.out());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(o.get("status").asText()).isEqualTo("damaged");
    assertThat(o.get("damage").get("kind").asText()).isEqualTo("forked");
    assertThat(o.get("damage").get("index").asLong()).isEqualTo(size);
    assertThat(o.get("damage").get("detail").asText()).contains("trusted checkpoint");
  }

  @Test
  void verify_checkpointSignatureCorrupted_isBadSignature() throws Exception {
    Path dir = copy();
    long size = middleCheckpoint(dir);
    String note = AuditFixture.checkpoint(dir, size);
    int at = note.lastIndexOf(' ') + 12;
    String bad =
        note.substring(0, at) + (note.charAt(at) == 'A' ? 'B' : 'A') + note.substring(at + 1);
    exec(dir, "UPDATE checkpoints SET note = ? WHERE size = ?", bad, size);
    assertDamaged(verify(dir), "bad_signature", size);
  }

  @Test
  void verify_checkpointSignedByUnknownKey_isUnknownKey() throws Exception {
    Path dir = copy();
    long size = middleCheckpoint(dir);
    byte[] root =
        Checkpoint.open(AuditFixture.checkpoint(dir, size), List.of(realKey(dir).verifierKey()))
            .root();
    NoteSigner stranger = new NoteSigner(ORIGIN, Ed25519KeyPair.generate(new SecureRandom()));
    exec(
        dir,
        "UPDATE checkpoints SET note = ? WHERE size = ?",
        stranger.sign(new Checkpoint(ORIGIN, size, root).body()),
        size);
    assertDamaged(verify(dir), "unknown_key", size);
  }

  @Test
  void verify_storedTreeNodeChanged_isNodeMismatch() throws Exception {
    Path dir = copy();
    exec(dir, "UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 3");
    assertDamaged(verify(dir), "node_mismatch", 12);
  }

  @Test
  void verify_anotherLogKey_isUnknownKeyAtTheFirstCheckpoint() throws Exception {
    Path dir = copy();
    NoteSigner stranger = new NoteSigner(ORIGIN, Ed25519KeyPair.generate(new SecureRandom()));
    AuditFixture.Run r = verify(dir, "--log-key", stranger.verifierKey().format());
    assertDamaged(r, "unknown_key", AuditFixture.checkpointSizes(dir).getFirst());
    assertThat(r.out()).startsWith("Keys: " + stranger.verifierKey().format() + "\n");
  }

  @Test
  void verify_trustedCheckpointByAnotherKey_exits2() throws Exception {
    Path dir = copy();
    NoteSigner stranger = new NoteSigner(ORIGIN, Ed25519KeyPair.generate(new SecureRandom()));
    Path saved =
        Files.writeString(
            tmp.resolve("c.txt"),
            stranger.sign(new Checkpoint(ORIGIN, 1, MerkleHasher.emptyRoot()).body()));
    AuditFixture.Run r = verify(dir, "--trusted-checkpoint", saved.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is not a checkpoint signed by a trusted key");
  }

  @Test
  void verify_whileTheServerRuns_exits2SayingSo() throws Exception {
    Path dir = copy();
    DataDir d = new DataDir(dir);
    try (WardenServer s =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      AuditFixture.Run r = verify(dir);
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("in use by a running server").contains("stop the server first");
    }
  }

  @Test
  void verify_notADataDirectory_exits2() {
    AuditFixture.Run r = verify(tmp.resolve("nothing"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is not a Warden data directory");
    assertThat(tmp.resolve("nothing")).doesNotExist();
  }

  @Test
  void audit_withoutSubcommand_exits2NamingThem() {
    AuditFixture.Run r = audit();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("verify").contains("export").contains("import");
  }
}
