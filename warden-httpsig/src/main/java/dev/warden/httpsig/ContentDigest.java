package dev.warden.httpsig;

import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Member;
import dev.warden.httpsig.StructuredFields.SfByteSequence;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The {@code Content-Digest} field, RFC 9530 §2: a dictionary from algorithm to the digest of the
 * message content. Accepted algorithms: {@code sha-256} and {@code sha-512} (§5, "Active").
 */
public final class ContentDigest {

  /** The algorithms {@link #verify} checks, in the order they are named in messages. */
  public static final List<String> ACCEPTED = List.of("sha-256", "sha-512");

  private ContentDigest() {}

  /** The field value for {@code body}: {@code sha-256=:<base64 of SHA-256(body)>:}. */
  public static String header(byte[] body) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(digest("sha-256", body)) + ":";
  }

  /**
   * Checks {@code body} against the {@code Content-Digest} field lines (combined as one
   * dictionary). Every accepted algorithm present must match; others are ignored.
   *
   * @throws SignatureException DIGEST_MISMATCH if a digest does not match, or none of the accepted
   *     algorithms is present (an absent field included); MALFORMED_SIGNATURE if the field is not a
   *     dictionary or an accepted algorithm's value is not a byte sequence
   */
  public static void verify(List<String> contentDigestFieldValues, byte[] body)
      throws SignatureException {
    if (contentDigestFieldValues.isEmpty()) {
      throw new SignatureException(
          Reason.DIGEST_MISMATCH, "Content-Digest is missing; accepted algorithms: " + accepted());
    }
    Map<String, Member> digests =
        SfParser.dictionary(String.join(",", contentDigestFieldValues), "Content-Digest");
    int checked = 0;
    for (String algorithm : ACCEPTED) {
      Member member = digests.get(algorithm);
      if (member == null) {
        continue;
      }
      if (!(member instanceof Item item && item.value() instanceof SfByteSequence expected)) {
        throw SignatureException.malformed(
            "Content-Digest: " + algorithm + " must be a byte sequence");
      }
      // Constant time, so a client cannot learn a digest byte by byte from timings.
      if (!MessageDigest.isEqual(expected.value(), digest(algorithm, body))) {
        throw new SignatureException(
            Reason.DIGEST_MISMATCH, "Content-Digest " + algorithm + " does not match the body");
      }
      checked++;
    }
    if (checked == 0) {
      throw new SignatureException(
          Reason.DIGEST_MISMATCH,
          "Content-Digest has no accepted algorithm; accepted algorithms: " + accepted());
    }
  }

  private static String accepted() {
    return String.join(", ", ACCEPTED);
  }

  private static byte[] digest(String algorithm, byte[] body) {
    String jca =
        switch (algorithm) {
          case "sha-256" -> "SHA-256";
          case "sha-512" -> "SHA-512";
          default -> throw new IllegalArgumentException(algorithm);
        };
    try {
      return MessageDigest.getInstance(jca).digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides " + jca, e);
    }
  }
}
