/**
 * HTTP Message Signatures (RFC 9421) for requests, with the structured fields they are built from
 * (RFC 8941) and body digests (RFC 9530), shared by agents (signing) and Warden (verifying).
 *
 * <p>The verifying side reads {@link dev.warden.httpsig.SignatureHeaders#parse}, rebuilds the
 * signature base with {@link dev.warden.httpsig.SignatureBase#build}, checks it with {@link
 * dev.warden.httpsig.SignatureAlgorithms} and checks the body with {@link
 * dev.warden.httpsig.ContentDigest#verify}. Freshness, replay and key lookup are the caller's job.
 * The signing side is {@link dev.warden.httpsig.MessageSigner}.
 */
@NullMarked
package dev.warden.httpsig;

import org.jspecify.annotations.NullMarked;
