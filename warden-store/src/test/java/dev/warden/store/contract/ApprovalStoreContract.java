package dev.warden.store.contract;

import static dev.warden.store.contract.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.store.ApprovalChange;
import dev.warden.store.ApprovalRecord;
import dev.warden.store.ApprovalRequest;
import dev.warden.store.ApprovalState;
import dev.warden.store.ApprovalStore;
import dev.warden.store.StoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ApprovalStore}: approvals opened and stepped only with the log batch that records them,
 * steps applied only while pending.
 */
public interface ApprovalStoreContract extends ContractFixture {

  private ApprovalStore approvals() {
    return store().approvals();
  }

  private static ApprovalRequest request(String id, long expiresAfter) {
    return request(id, expiresAfter, false);
  }

  private static ApprovalRequest request(String id, long expiresAfter, boolean act) {
    return new ApprovalRequest(
        id,
        "bot-1",
        "acme",
        "files.delete",
        "reports/q3",
        "sha256:" + "ab".repeat(32),
        "sha256:" + "cd".repeat(32),
        "{\"action\":\"files.delete\",\"resource\":\"reports/q3\"}",
        List.of("alice", "bob"),
        2,
        at(expiresAfter),
        act);
  }

  @Test
  default void open_actionRequest_keepsItsActFlagAfterReopen() throws Exception {
    store()
        .log()
        .append(
            ChainBatch.of(2, "a").approval(new ApprovalChange.Open(request("d1", 60, true)), 1));
    store()
        .log()
        .append(ChainBatch.of(1, "b").approval(new ApprovalChange.Open(request("d2", 60)), 0));
    reopen();

    assertThat(approvals().find("d1").orElseThrow().request().act()).isTrue();
    assertThat(approvals().find("d2").orElseThrow().request().act()).isFalse();
  }

  @Test
  default void open_withItsEntry_isPendingAtThatIndexAfterReopen() throws Exception {
    store().log().append(ChainBatch.of(2, "x"));
    store()
        .log()
        .append(ChainBatch.of(2, "a").approval(new ApprovalChange.Open(request("d1", 60)), 1));

    ApprovalRecord a = reopen().approvals().find("d1").orElseThrow();

    assertThat(a.request()).isEqualTo(request("d1", 60));
    assertThat(a.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(a.approvedBy()).isEmpty();
    assertThat(a.openedIndex()).isEqualTo(3);
    assertThat(a.resolvedIndex()).isNull();
  }

  @Test
  default void steps_countThenResolve_recordTheResolvingIndex() throws Exception {
    store()
        .log()
        .append(ChainBatch.of(1, "a").approval(new ApprovalChange.Open(request("d1", 60)), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .approval(
                    new ApprovalChange.Step(
                        "d1", ApprovalState.PENDING, List.of("alice"), at(1), null),
                    0));
    assertThat(approvals().find("d1").orElseThrow().approvedBy()).containsExactly("alice");

    store()
        .log()
        .append(
            ChainBatch.of(1, "c")
                .approval(
                    new ApprovalChange.Step(
                        "d1", ApprovalState.APPROVED, List.of("alice", "bob"), at(2), null),
                    0));

    ApprovalRecord a = approvals().find("d1").orElseThrow();
    assertThat(a.state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(a.approvedBy()).containsExactly("alice", "bob");
    assertThat(a.resolvedIndex()).isEqualTo(2);
    assertThat(a.resolvedAt()).isEqualTo(at(2));
  }

  @Test
  default void step_onAResolvedApproval_refusesTheWholeBatchWithAnApprovalConflict()
      throws Exception {
    store()
        .log()
        .append(ChainBatch.of(1, "a").approval(new ApprovalChange.Open(request("d1", 60)), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .approval(
                    new ApprovalChange.Step("d1", ApprovalState.REJECTED, List.of(), at(1), null),
                    0));

    assertThatThrownBy(
            () ->
                store()
                    .log()
                    .append(
                        ChainBatch.of(1, "c")
                            .approval(
                                new ApprovalChange.Step(
                                    "d1", ApprovalState.APPROVED, List.of("alice"), at(2), null),
                                0)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.conflict()).isEqualTo(StoreException.Conflict.APPROVAL));
    assertThat(store().log().head().size()).as("nothing of the batch was written").isEqualTo(2);
    assertThat(approvals().find("d1").orElseThrow().state()).isEqualTo(ApprovalState.REJECTED);
  }

  @Test
  default void rebind_changesThePolicyAndItsTermsAndResetsApprovals() throws Exception {
    store()
        .log()
        .append(ChainBatch.of(1, "a").approval(new ApprovalChange.Open(request("d1", 60)), 0));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .approval(
                    new ApprovalChange.Step(
                        "d1", ApprovalState.PENDING, List.of("alice"), at(1), null),
                    0));
    String next = "sha256:" + "ef".repeat(32);

    store()
        .log()
        .append(
            ChainBatch.of(1, "c")
                .approval(
                    new ApprovalChange.Step(
                        "d1",
                        ApprovalState.PENDING,
                        List.of(),
                        at(2),
                        new ApprovalChange.Rebind(next, List.of("carol"), 3)),
                    0));

    ApprovalRecord a = approvals().find("d1").orElseThrow();
    assertThat(a.request().policyHash()).isEqualTo(next);
    assertThat(a.request().approvers()).containsExactly("carol");
    assertThat(a.request().minApprovals()).isEqualTo(3);
    assertThat(a.request().expiresAt()).as("the agent is already waiting").isEqualTo(at(60));
    assertThat(a.approvedBy()).isEmpty();
    assertThat(a.state()).isEqualTo(ApprovalState.PENDING);
  }

  @Test
  default void dueAndList_findPendingByExpiryAndByState() throws Exception {
    store()
        .log()
        .append(
            ChainBatch.of(3, "a")
                .approval(new ApprovalChange.Open(request("early", 10)), 0)
                .approval(new ApprovalChange.Open(request("late", 100)), 1)
                .approval(new ApprovalChange.Open(request("done", 5)), 2));
    store()
        .log()
        .append(
            ChainBatch.of(1, "b")
                .approval(
                    new ApprovalChange.Step("done", ApprovalState.EXPIRED, List.of(), at(6), null),
                    0));

    assertThat(approvals().due(at(50), 10))
        .extracting(ApprovalRecord::decisionId)
        .containsExactly("early");
    assertThat(approvals().due(at(9), 10)).isEmpty();
    assertThat(approvals().list(ApprovalState.PENDING, 10))
        .extracting(ApprovalRecord::decisionId)
        .containsExactly("early", "late");
    assertThat(approvals().list(ApprovalState.EXPIRED, 10))
        .extracting(ApprovalRecord::decisionId)
        .containsExactly("done");
    assertThat(approvals().find("nope")).isEmpty();
  }
}
