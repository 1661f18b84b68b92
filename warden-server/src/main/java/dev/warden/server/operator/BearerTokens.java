package dev.warden.server.operator;

import dev.warden.crypto.Digests;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import dev.warden.store.TokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What operator and agent tokens share: the secret ({@code <prefix>_} + 256 random bits in
 * base64url, 43 characters), its public id, its SHA-256 (the only form stored), the {@code
 * Authorization: Bearer} syntax and the constant-time lookup.
 */
final class BearerTokens {
  private BearerTokens() {}

  /** {@code ^<prefix>_[A-Za-z0-9_-]{43}$}: the shape of a token with this prefix. */
  static Pattern format(String prefix) {
    return Pattern.compile("^" + Pattern.quote(prefix) + "_[A-Za-z0-9_-]{43}$");
  }

  /** A new secret: {@code <prefix>_} and 32 random bytes in unpadded base64url. */
  static String newSecret(String prefix, SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** A new public token id, {@code tok_} and 16 hex digits. */
  static String newId(SecureRandom random) {
    byte[] idBytes = new byte[8];
    random.nextBytes(idBytes);
    return "tok_" + HexFormat.of().formatHex(idBytes);
  }

  static byte[] hash(String token) {
    return Digests.sha256(token.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header if it has the shape {@code
   * format}, else empty (the header is malformed). {@code authorization} is not blank.
   */
  static Optional<String> bearer(String authorization, Pattern format) {
    String[] parts = authorization.strip().split(" ", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      return Optional.empty();
    }
    String token = parts[1].strip();
    return format.matcher(token).matches() ? Optional.of(token) : Optional.empty();
  }

  /** The stored record of {@code token}, revoked or expired included; empty if unknown. */
  static Optional<TokenRecord> lookup(TokenStore store, String token) throws StoreException {
    byte[] h = hash(token);
    Optional<TokenRecord> found = store.findByHash(h);
    // The lookup is by hash of a 256-bit secret; the comparison is constant time all the same.
    if (found.isEmpty() || !MessageDigest.isEqual(found.get().hash(), h)) {
      return Optional.empty();
    }
    return found;
  }

  static boolean blank(@Nullable String authorization) {
    return authorization == null || authorization.isBlank();
  }
}
