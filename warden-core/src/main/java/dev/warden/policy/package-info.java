/**
 * The policy: which agent may do which action on which resource, decided in process.
 *
 * <p>{@link dev.warden.policy.PolicyLoader} reads a YAML (or JSON) document into a {@link
 * dev.warden.policy.Policy}; {@link dev.warden.policy.Policy#evaluate} turns a {@link
 * dev.warden.policy.PolicyRequest} into a {@link dev.warden.policy.PolicyDecision}. Deny overrides
 * escalate overrides allow, and no match never means allow. A policy's identity is the SHA-256 of
 * the RFC 8785 canonical JSON of its document, the same for its YAML and JSON forms.
 */
@NullMarked
package dev.warden.policy;

import org.jspecify.annotations.NullMarked;
