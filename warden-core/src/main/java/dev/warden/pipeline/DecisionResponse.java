package dev.warden.pipeline;

/**
 * What the pipeline answers for a completed decision.
 *
 * @param status 200 for allow and deny, 202 for pending
 * @param body the decision document (JSON), byte for byte the same on an idempotent replay
 * @param decisionId for the {@code Location} header of a pending decision
 * @param replayed true when an Idempotency-Key replayed an earlier decision
 */
public record DecisionResponse(int status, byte[] body, String decisionId, boolean replayed) {}
