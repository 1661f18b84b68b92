/**
 * The policy: which agent may do which action on which resource, decided in process.
 *
 * <p>{@link dev.warden.policy.PolicyLoader} reads a YAML (or JSON) document into a {@link
 * dev.warden.policy.Policy}, compiling each rule's CEL {@code when} condition once; {@link
 * dev.warden.policy.Policy#evaluate} turns a {@link dev.warden.policy.PolicyRequest} into a {@link
 * dev.warden.policy.PolicyDecision}. Deny overrides escalate overrides allow, no match never means
 * allow, and a condition that cannot be evaluated denies ({@code policy.evaluation_error}). A
 * policy's identity is the SHA-256 of the RFC 8785 canonical JSON of its document, the same for its
 * YAML and JSON forms.
 *
 * <p>The tools behind {@code warden policy}: {@link dev.warden.policy.PolicyCheck} (errors and
 * provable warnings), {@link dev.warden.policy.PolicyCases} (expected decisions) and {@link
 * dev.warden.policy.RulePolicy#explain} ({@link dev.warden.policy.PolicyTrace}, rule by rule).
 */
@NullMarked
package dev.warden.policy;

import org.jspecify.annotations.NullMarked;
