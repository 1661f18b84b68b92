package dev.warden.server.operator;

import dev.warden.crypto.Digests;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.policy.RateLimitRule;
import dev.warden.ratelimit.Decision;
import dev.warden.ratelimit.RateLimitHeaders;
import dev.warden.ratelimit.RateLimiter;
import dev.warden.ratelimit.Subjects;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import dev.warden.store.TokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Operator bearer tokens (SPEC §2, §15): 256 random bits shown once as {@code wdn_<base64url>},
 * stored only as their SHA-256, checked in constant time, with scopes and optional expiry.
 */
public final class OperatorTokens {
  public static final Set<String> SCOPES = Set.of("admin", "approver", "auditor", "metrics");
  private static final Pattern FORMAT = Pattern.compile("^wdn_[A-Za-z0-9_-]{43}$");

  /** The subject recorded for requests when operator authentication is disabled. */
  public static final String INSECURE_SUBJECT = "insecure-no-operator-auth";

  private final TokenStore store;
  private final Clock clock;
  private final boolean disabled;
  private final Supplier<List<RateLimitRule>> limits;
  private final RateLimiter limiter;

  /**
   * @param disabled development only: accept operator requests without a token, recorded under
   *     {@link #INSECURE_SUBJECT}
   * @param limits the active policy's token buckets; those of scope {@code operator} apply, one
   *     bucket per token
   */
  public OperatorTokens(
      TokenStore store,
      Clock clock,
      boolean disabled,
      Supplier<List<RateLimitRule>> limits,
      RateLimiter limiter) {
    this.store = store;
    this.clock = clock;
    this.disabled = disabled;
    this.limits = limits;
    this.limiter = limiter;
  }

  /** A new token: the secret (to show once) and the record to store. */
  public record Issued(String token, TokenRecord record) {
    @Override
    public String toString() {
      return "Issued[" + record + "]";
    }
  }

  public static Issued issue(
      String subject,
      Set<String> scopes,
      @Nullable Instant expiresAt,
      SecureRandom random,
      Clock clock) {
    for (String s : scopes) {
      if (!SCOPES.contains(s)) {
        throw new IllegalArgumentException("unknown scope " + s + "; scopes are " + SCOPES);
      }
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = "wdn_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] idBytes = new byte[8];
    random.nextBytes(idBytes);
    String id = "tok_" + HexFormat.of().formatHex(idBytes);
    TokenRecord r =
        new TokenRecord(id, subject, scopes, hash(token), clock.instant(), expiresAt, null);
    return new Issued(token, r);
  }

  /**
   * Checks an {@code Authorization} header and the scope it needs.
   *
   * @return the token's record (its subject is recorded on what the operator does)
   * @throws RequestRejected {@code auth.missing_token}, {@code auth.bad_token} or {@code
   *     auth.insufficient_scope}
   */
  public TokenRecord authorize(@Nullable String authorization, String scope)
      throws RequestRejected, StoreException {
    if (disabled && (authorization == null || authorization.isBlank())) {
      return new TokenRecord(
          "tok_insecure", INSECURE_SUBJECT, SCOPES, new byte[32], clock.instant(), null, null);
    }
    if (authorization == null || authorization.isBlank()) {
      throw new RequestRejected(
          ErrorCode.AUTH_MISSING_TOKEN, "send an operator token as Authorization: Bearer <token>");
    }
    String[] parts = authorization.strip().split(" ", 2);
    if (parts.length != 2
        || !parts[0].equalsIgnoreCase("Bearer")
        || !FORMAT.matcher(parts[1].strip()).matches()) {
      throw bad();
    }
    byte[] h = hash(parts[1].strip());
    Optional<TokenRecord> found = store.findByHash(h);
    // The lookup is by hash of a 256-bit secret; the comparison is constant time all the same.
    if (found.isEmpty() || !MessageDigest.isEqual(found.get().hash(), h)) {
      throw bad();
    }
    TokenRecord t = found.get();
    if (!t.activeAt(clock.instant())) {
      throw new RequestRejected(
          ErrorCode.AUTH_BAD_TOKEN, "this operator token is revoked or expired");
    }
    if (!t.scopes().contains(scope)) {
      throw new RequestRejected(
          ErrorCode.AUTH_INSUFFICIENT_SCOPE,
          "this operation needs a token with the " + scope + " scope");
    }
    limitRate(t);
    return t;
  }

  /** Takes a token from this operator token's buckets; {@code limit.rate} when one is empty. */
  private void limitRate(TokenRecord t) throws RequestRejected {
    List<RateLimitRule> rules = limits.get();
    if (rules.isEmpty()) {
      return;
    }
    Decision d = limiter.acquire(rules, Subjects.operator(t.id()));
    if (d instanceof Decision.Limited limited) {
      throw RateLimitHeaders.refusal(limited, "this operator token");
    }
  }

  private static RequestRejected bad() {
    return new RequestRejected(ErrorCode.AUTH_BAD_TOKEN, "the operator token is not valid");
  }

  static byte[] hash(String token) {
    return Digests.sha256(token.getBytes(StandardCharsets.US_ASCII));
  }
}
