package dev.warden.client.warrant;

import dev.warden.client.warrant.WarrantException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Warden's {@code request_digest}: {@code sha256:} + lowercase hex SHA-256 of the RFC 8785
 * canonical form of the strictly parsed request body (LOG-FORMAT.md, decision entries).
 */
final class RequestDigest {
  /** Largest request body read, in bytes: above any body limit a Warden server accepts. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private RequestDigest() {}

  /** The digest of {@code body}; throws {@code DIGEST_MISMATCH} if it is not strict JSON. */
  static String of(byte[] body) throws WarrantException {
    byte[] canonical =
        Jcs.bytes(StrictJson.parse(body, MAX_BODY_BYTES, "request body", Reason.DIGEST_MISMATCH));
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Checks that {@code body} is the request {@code expected} was computed from, comparing in
   * constant time.
   *
   * @throws WarrantException {@code DIGEST_MISMATCH}
   */
  static void check(String expected, byte[] body) throws WarrantException {
    String actual = of(body);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII))) {
      throw new WarrantException(
          Reason.DIGEST_MISMATCH, "the request body is not the request Warden allowed");
    }
  }
}
