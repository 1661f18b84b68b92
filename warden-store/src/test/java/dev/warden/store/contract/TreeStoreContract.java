package dev.warden.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.LogHead;
import dev.warden.store.LogStore;
import dev.warden.store.SealedBatch;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import dev.warden.store.TreeNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LogStore}: tree nodes and checkpoints written with their batch, and read back. */
public interface TreeStoreContract extends ContractFixture {

  private LogStore log() {
    return store().log();
  }

  /** A batch of {@code n} entries from {@code head}, with one leaf node each and a checkpoint. */
  private static SealedBatch batch(LogHead head, int n, String note) {
    List<StoredEntry> entries = new ArrayList<>();
    List<TreeNode> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long index = head.size() + i;
      entries.add(
          new StoredEntry(index, ("{\"i\":" + index + "}").getBytes(StandardCharsets.UTF_8)));
      nodes.add(new TreeNode(0, index, hash(index)));
    }
    long size = head.size() + n;
    return new SealedBatch(
        new LogHead(size, new byte[0]),
        entries,
        List.of(),
        List.of(),
        List.of(),
        nodes,
        new StoredCheckpoint(size, note + "\n"));
  }

  private static byte[] hash(long i) {
    byte[] h = new byte[32];
    h[0] = (byte) i;
    h[31] = (byte) (i >>> 8);
    return h;
  }

  @Test
  default void append_withNodesAndCheckpoint_readBackInOrder() throws Exception {
    log().append(h -> batch(h, 3, "cp3"));
    log().append(h -> batch(h, 2, "cp5"));

    List<TreeNode> got =
        log().nodes(List.of(new TreeNode.Id(0, 4), new TreeNode.Id(0, 0), new TreeNode.Id(0, 2)));
    assertThat(got).extracting(TreeNode::index).containsExactly(4L, 0L, 2L);
    assertThat(got.get(0).hash()).isEqualTo(hash(4));

    assertThat(log().latestCheckpoint()).contains(new StoredCheckpoint(5, "cp5\n"));
    assertThat(log().checkpointCovering(0)).contains(new StoredCheckpoint(3, "cp3\n"));
    assertThat(log().checkpointCovering(2)).contains(new StoredCheckpoint(3, "cp3\n"));
    assertThat(log().checkpointCovering(3)).contains(new StoredCheckpoint(5, "cp5\n"));
    assertThat(log().checkpointCovering(5)).isEmpty();
    assertThat(log().checkpoints(0, 10)).extracting(StoredCheckpoint::size).containsExactly(3L, 5L);
    assertThat(log().checkpoints(4, 10)).extracting(StoredCheckpoint::size).containsExactly(5L);
    assertThat(log().checkpoints(0, 1)).extracting(StoredCheckpoint::size).containsExactly(3L);
  }

  @Test
  default void nodes_missing_throwsCorrupt() throws Exception {
    log().append(h -> batch(h, 1, "cp1"));
    assertThatThrownBy(() -> log().nodes(List.of(new TreeNode.Id(0, 0), new TreeNode.Id(3, 0))))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT));
  }

  @Test
  default void newStore_hasNoCheckpoint() throws Exception {
    assertThat(log().latestCheckpoint()).isEmpty();
    assertThat(log().checkpointCovering(0)).isEmpty();
    assertThat(log().checkpoints(0, 10)).isEmpty();
    assertThat(log().nodes(List.of())).isEmpty();
  }

  @Test
  default void nodesAndCheckpoint_surviveReopen() throws Exception {
    log().append(h -> batch(h, 2, "cp2"));
    reopen();
    assertThat(log().latestCheckpoint()).contains(new StoredCheckpoint(2, "cp2\n"));
    assertThat(log().nodes(List.of(new TreeNode.Id(0, 1))).get(0).hash()).isEqualTo(hash(1));
  }
}
