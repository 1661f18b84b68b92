/**
 * Warrants for downstream executors. With the {@code none} adapter, the receipt of an allow
 * decision is the agent's warrant: the agent hands the executor its request and {@code
 * receipt.jws}, and the executor acts only if Warden allowed exactly that request, recently, and
 * only once ({@link dev.warden.client.warrant.WarrantVerifier}).
 *
 * <h2>Using it in an executor</h2>
 *
 * <pre>{@code
 * // Once, at start: Warden's receipt keys from GET /.well-known/warden/jwks.json, fetched over a
 * // channel you trust (or shipped with the configuration) and pinned.
 * WarrantKeys keys = WarrantKeys.parse(jwksJson);
 * UsedWarrants used = UsedWarrants.file(Path.of("/var/lib/executor/used-warrants"));
 * WarrantVerifier verifier = new WarrantVerifier(keys, Clock.systemUTC(), used);
 *
 * // Per job: the request body exactly as the agent sent it to Warden, and the receipt's jws.
 * VerifiedWarrant warrant;
 * try {
 *   warrant = verifier.verify(job.receiptJws(), job.requestBody());
 * } catch (WarrantException e) {
 *   log.warn("warrant refused: {} {}", e.reason(), e.getMessage());
 *   return reject(e.reason());
 * }
 * // The warrant proves what Warden allowed; the executor still checks it is a job it does.
 * if (!warrant.action().equals("payments.transfer") || !warrant.tenant().equals(myTenant)) {
 *   return reject("not this executor's action");
 * }
 * execute(job.requestBody()); // the bytes verified, not a copy re-read from elsewhere
 * }</pre>
 *
 * <p>What the verifier checks and in which order is on {@link
 * dev.warden.client.warrant.WarrantVerifier#verify}; every refusal is a {@link
 * dev.warden.client.warrant.WarrantException} with a reason. The warrant is spent as {@code verify}
 * returns, before the action runs. A use is remembered until the warrant's {@code expires} plus the
 * clock skew; {@link dev.warden.client.warrant.UsedWarrants#file} survives restarts and crashes,
 * {@link dev.warden.client.warrant.UsedWarrants#inMemory()} does not; executors on several hosts
 * need a shared store of their own. The verifier trusts the receipt key's signature; it does not
 * check the log inclusion proof in {@code receipt.proof} ({@code warden verify} does).
 */
@NullMarked
package dev.warden.client.warrant;

import org.jspecify.annotations.NullMarked;
