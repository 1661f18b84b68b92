/**
 * Decision receipts (SPEC §13): a compact JWS (RFC 7515, EdDSA per RFC 8037) over the log entry,
 * and the proof that the entry is in the log (RFC 9162 inclusion proof, C2SP signed checkpoint and
 * tlog proof), verifiable offline with the log's vkey and Warden's JWKS. {@link
 * dev.warden.receipt.ReceiptVerifier} is the verifier; {@link dev.warden.receipt.ReceiptIssuer}
 * builds receipts.
 */
@NullMarked
package dev.warden.receipt;

import org.jspecify.annotations.NullMarked;
