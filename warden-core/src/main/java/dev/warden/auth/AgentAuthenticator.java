package dev.warden.auth;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.httpsig.Ed25519PublicKey;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.LabeledSignature;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureBase;
import dev.warden.httpsig.SignatureException;
import dev.warden.httpsig.SignatureHeaders;
import dev.warden.httpsig.SignatureParameters;
import dev.warden.limits.Limits;
import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStore;
import dev.warden.store.KeyAlgorithm;
import dev.warden.store.StoreException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Authenticates an agent request by its RFC 9421 signature (SPEC §3): the first signature of {@code
 * Signature-Input} must cover the required components, be fresh, name a known key and verify.
 * Everything this class refuses happens before the agent is known, so its refusals are counted into
 * refusal summaries rather than logged one by one.
 *
 * <p>It does not check the agent's status, the body digest or the nonce: those are refusals of an
 * authenticated agent, made by the pipeline.
 */
public final class AgentAuthenticator {
  private static final Pattern KEY_ID =
      Pattern.compile("^([a-z0-9][a-z0-9._-]{1,63})(?:/([a-z0-9][a-z0-9._-]{0,63}))?$");
  private static final int MAX_NONCE_LENGTH = 128;
  private static final int MIN_NONCE_LENGTH = 8;

  private final AgentStore agents;
  private final Limits limits;

  /** Agents' Ed25519 keys, decoded once (a verify then skips the point decompression). */
  private final Map<ByteBuffer, Ed25519PublicKey> decoded = new ConcurrentHashMap<>();

  private static final int MAX_DECODED = 100_000;

  public AgentAuthenticator(AgentStore agents, Limits limits) {
    this.agents = agents;
    this.limits = limits;
  }

  /**
   * @param hasBody whether the request carries content (then {@code content-digest} must be
   *     covered)
   * @throws RequestRejected with an {@code auth.*} code
   * @throws StoreException if the agent could not be looked up
   */
  public Authenticated authenticate(HttpRequestView request, boolean hasBody, Instant now)
      throws RequestRejected, StoreException {
    LabeledSignature sig;
    try {
      List<LabeledSignature> sigs = SignatureHeaders.parse(request);
      if (sigs.isEmpty()) {
        throw new RequestRejected(
            ErrorCode.AUTH_MISSING_SIGNATURE, "Signature-Input and Signature hold no signature");
      }
      sig = sigs.get(0);
    } catch (SignatureException e) {
      throw rejection(e);
    }
    SignatureParameters p = sig.params();
    requireComponents(p, request, hasBody);
    requireFresh(p, now);
    validateNonce(p.nonce());

    Matcher m = KEY_ID.matcher(p.keyId());
    if (!m.matches()) {
      throw new RequestRejected(
          ErrorCode.AUTH_MALFORMED_SIGNATURE,
          "keyid must be <agent-id> or <agent-id>/<key-id> (lower-case letters, digits, '.', '_', '-')");
    }
    AgentRecord agent =
        agents
            .find(m.group(1))
            .orElseThrow(
                () -> new RequestRejected(ErrorCode.AUTH_UNKNOWN_KEY, "unknown agent or key"));
    AgentKey key = selectKey(agent, m.group(2));
    if (p.alg().isPresent() && !p.alg().get().equals(key.algorithm().wire())) {
      throw new RequestRejected(
          ErrorCode.AUTH_BAD_SIGNATURE,
          "alg \""
              + p.alg().get()
              + "\" does not match the key's algorithm "
              + key.algorithm().wire());
    }
    try {
      byte[] base = SignatureBase.build(request, p);
      if (key.algorithm() == KeyAlgorithm.ED25519) {
        ed25519(key.material()).verify(base, sig.signature());
      } else {
        SignatureAlgorithms.verifyHmacSha256(key.material(), base, sig.signature());
      }
    } catch (SignatureException e) {
      throw rejection(e);
    }
    return new Authenticated(agent, key, p);
  }

  private Ed25519PublicKey ed25519(byte[] raw) throws SignatureException {
    ByteBuffer k = ByteBuffer.wrap(raw);
    Ed25519PublicKey key = decoded.get(k);
    if (key == null) {
      try {
        key = Ed25519PublicKey.decode(raw);
      } catch (IllegalArgumentException e) {
        throw new SignatureException(
            SignatureException.Reason.BAD_SIGNATURE, "the agent's ed25519 key is not valid");
      }
      if (decoded.size() >= MAX_DECODED) {
        decoded.clear();
      }
      decoded.put(k, key);
    }
    return key;
  }

  private static AgentKey selectKey(
      AgentRecord agent, @org.jspecify.annotations.Nullable String keyId) throws RequestRejected {
    List<AgentKey> usable = agent.keys().stream().filter(k -> !k.revoked()).toList();
    if (keyId != null) {
      return usable.stream()
          .filter(k -> k.keyId().equals(keyId))
          .findFirst()
          .orElseThrow(
              () -> new RequestRejected(ErrorCode.AUTH_UNKNOWN_KEY, "unknown agent or key"));
    }
    if (usable.size() == 1) {
      return usable.get(0);
    }
    if (usable.isEmpty()) {
      throw new RequestRejected(ErrorCode.AUTH_UNKNOWN_KEY, "unknown agent or key");
    }
    throw new RequestRejected(
        ErrorCode.AUTH_UNKNOWN_KEY,
        "agent "
            + agent.id()
            + " has several keys: name one in keyid as "
            + agent.id()
            + "/<key-id>");
  }

  private static void requireComponents(SignatureParameters p, HttpRequestView r, boolean hasBody)
      throws RequestRejected {
    Set<String> c =
        p.components().stream().map(x -> x.name()).collect(Collectors.toUnmodifiableSet());
    if (!c.contains("@method")) {
      throw missingComponent("\"@method\"");
    }
    if (!c.contains("@target-uri")) {
      if (!c.contains("@authority") || !c.contains("@path")) {
        throw missingComponent("\"@target-uri\" (or \"@authority\" and \"@path\")");
      }
      if (r.targetUri().getRawQuery() != null && !c.contains("@query")) {
        throw missingComponent(
            "\"@query\" (the request has a query and @target-uri is not covered)");
      }
    }
    if (hasBody && !c.contains("content-digest")) {
      throw missingComponent("\"content-digest\" (the request has a body)");
    }
  }

  private static RequestRejected missingComponent(String what) {
    return new RequestRejected(
        ErrorCode.AUTH_MALFORMED_SIGNATURE, "the signature must cover " + what);
  }

  private void requireFresh(SignatureParameters p, Instant now) throws RequestRejected {
    long nowS = now.getEpochSecond();
    long skew = limits.clockSkew().toSeconds();
    long maxAge = limits.maxSignatureAge().toSeconds();
    if (p.created() > nowS + skew) {
      throw new RequestRejected(
          ErrorCode.AUTH_SIGNATURE_NOT_YET_VALID,
          "created is "
              + (p.created() - nowS)
              + " s in the future; at most "
              + skew
              + " s of clock skew is allowed (limits.clock_skew): check the agent's clock");
    }
    if (p.created() < nowS - maxAge) {
      throw new RequestRejected(
          ErrorCode.AUTH_SIGNATURE_EXPIRED,
          "created is "
              + (nowS - p.created())
              + " s old; signatures are accepted for "
              + maxAge
              + " s (limits.max_signature_age): sign the request again");
    }
    if (p.expires().isPresent() && p.expires().getAsLong() <= nowS) {
      throw new RequestRejected(
          ErrorCode.AUTH_SIGNATURE_EXPIRED, "the signature's expires time has passed");
    }
  }

  private static void validateNonce(String nonce) throws RequestRejected {
    if (nonce.length() < MIN_NONCE_LENGTH || nonce.length() > MAX_NONCE_LENGTH) {
      throw new RequestRejected(
          ErrorCode.AUTH_MALFORMED_SIGNATURE,
          "nonce must be "
              + MIN_NONCE_LENGTH
              + " to "
              + MAX_NONCE_LENGTH
              + " characters; use 16 random bytes in base64url");
    }
    for (int i = 0; i < nonce.length(); i++) {
      char ch = nonce.charAt(i);
      if (ch < 0x21 || ch > 0x7e) {
        throw new RequestRejected(
            ErrorCode.AUTH_MALFORMED_SIGNATURE, "nonce must be visible ASCII");
      }
    }
  }

  /** The last moment a request signed with {@code p} could be accepted: the nonce's lifetime. */
  public Instant freshUntil(SignatureParameters p) {
    long until =
        p.created() + limits.maxSignatureAge().toSeconds() + limits.clockSkew().toSeconds();
    if (p.expires().isPresent()) {
      until = Math.min(until, p.expires().getAsLong());
    }
    return Instant.ofEpochSecond(until + 1);
  }

  static RequestRejected rejection(SignatureException e) {
    ErrorCode code =
        switch (e.reason()) {
          case MISSING_SIGNATURE -> ErrorCode.AUTH_MISSING_SIGNATURE;
          case MALFORMED_SIGNATURE -> ErrorCode.AUTH_MALFORMED_SIGNATURE;
          case BAD_SIGNATURE -> ErrorCode.AUTH_BAD_SIGNATURE;
          case DIGEST_MISMATCH -> ErrorCode.REQUEST_DIGEST_MISMATCH;
        };
    return new RequestRejected(code, e.getMessage());
  }
}
