package dev.warden.server.operator;

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
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
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
  static final Pattern FORMAT = BearerTokens.format("wdn");

  /** The subject recorded for requests when operator authentication is disabled. */
  public static final String INSECURE_SUBJECT = "insecure-no-operator-auth";

  private final TokenStore store;
  private final Clock clock;
  private final boolean disabled;
  private final Supplier<List<RateLimitRule>> limits;
  private final RateLimiter limiter;
  private final ClientCertificates certificates;

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
    this(store, clock, disabled, limits, limiter, ClientCertificates.NONE);
  }

  /**
   * @param certificates client certificates that stand for operators (mTLS)
   */
  public OperatorTokens(
      TokenStore store,
      Clock clock,
      boolean disabled,
      Supplier<List<RateLimitRule>> limits,
      RateLimiter limiter,
      ClientCertificates certificates) {
    this.certificates = certificates;
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
    String token = BearerTokens.newSecret("wdn", random);
    TokenRecord r =
        new TokenRecord(
            BearerTokens.newId(random),
            subject,
            scopes,
            BearerTokens.hash(token),
            clock.instant(),
            expiresAt,
            null);
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
    return authorize(authorization, null, scope);
  }

  /**
   * Checks an {@code Authorization} header, or without one the client certificate of the
   * connection, and the scope it needs.
   *
   * <p>A bearer token, when sent, is what authorizes the request (the certificate has then only let
   * the connection in). Without one, a client certificate mapped in {@code tls.clients} authorizes
   * with its mapping's subject and scopes: it chained to {@code tls.client_ca} during the handshake
   * and its private key never crossed the wire. An unmapped certificate authorizes nothing.
   *
   * @param clientCertificate the leaf certificate the TLS handshake verified; null without one
   * @return the token's record, or one made for the certificate (its id is {@code cert_} and the
   *     first 16 hex digits of the fingerprint)
   */
  public TokenRecord authorize(
      @Nullable String authorization, @Nullable X509Certificate clientCertificate, String scope)
      throws RequestRejected, StoreException {
    if (BearerTokens.blank(authorization) && clientCertificate != null) {
      Optional<ClientCertificates.OperatorCert> mapped = certificates.operator(clientCertificate);
      if (mapped.isPresent()) {
        return byCertificate(mapped.get(), scope);
      }
    }
    if (disabled && BearerTokens.blank(authorization)) {
      return new TokenRecord(
          "tok_insecure", INSECURE_SUBJECT, SCOPES, new byte[32], clock.instant(), null, null);
    }
    if (BearerTokens.blank(authorization)) {
      throw new RequestRejected(
          ErrorCode.AUTH_MISSING_TOKEN, "send an operator token as Authorization: Bearer <token>");
    }
    Optional<String> token = BearerTokens.bearer(authorization, FORMAT);
    if (token.isEmpty()) {
      throw bad();
    }
    Optional<TokenRecord> found = BearerTokens.lookup(store, token.get());
    // Agent tokens have another prefix, so only a forged record could get here; refuse it anyway.
    if (found.isEmpty() || found.get().agentId() != null) {
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

  private TokenRecord byCertificate(ClientCertificates.OperatorCert c, String scope)
      throws RequestRejected {
    // Only for this check and the rate limiter; never stored.
    TokenRecord t =
        new TokenRecord(
            "cert_" + c.fingerprint().substring(0, 16),
            c.subject(),
            c.scopes(),
            java.util.HexFormat.of().parseHex(c.fingerprint()),
            clock.instant(),
            null,
            null);
    if (!t.scopes().contains(scope)) {
      throw new RequestRejected(
          ErrorCode.AUTH_INSUFFICIENT_SCOPE,
          "this operation needs the "
              + scope
              + " scope, which the client certificate's mapping (tls.clients) does not give");
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
}
