package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Signs requests the way Warden expects them (RFC 9421 §3.1, SPEC §3): label {@code sig1}, covered
 * components {@code "@method" "@target-uri"}, plus {@code "content-digest"} when there is a body
 * and {@code "content-type"} when the request has one; parameters {@code created}, {@code expires}
 * (if given), {@code nonce}, {@code keyid}, {@code alg}. Creating the nonce and reading the clock
 * are the caller's job.
 */
public final class MessageSigner {

  /** The label of the signature in {@code Signature-Input} and {@code Signature}. */
  public static final String LABEL = "sig1";

  private static final Set<String> SET_BY_SIGNER =
      Set.of("content-digest", "signature-input", "signature");

  private final SigningKey key;

  private MessageSigner(SigningKey key) {
    this.key = requireNonNull(key, "key");
  }

  public static MessageSigner of(SigningKey key) {
    return new MessageSigner(key);
  }

  /**
   * Returns the fields to add to the request, in order: {@code Content-Digest} (only when {@code
   * body} is not empty), {@code Signature-Input}, {@code Signature}.
   *
   * @param targetUri the absolute URI the server will see as the request's target
   * @param headers the request's other fields (names in any case); must not contain the fields this
   *     method adds
   * @param created seconds since the epoch
   * @param expires seconds since the epoch, or null for no {@code expires} parameter
   * @throws IllegalArgumentException if a field value cannot be signed (CR, LF, control characters)
   *     or {@code headers} holds a field this method sets
   */
  public SequencedMap<String, String> sign(
      String method,
      URI targetUri,
      Map<String, String> headers,
      byte[] body,
      long created,
      @Nullable Long expires,
      String nonce) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (SET_BY_SIGNER.contains(lower)) {
            throw new IllegalArgumentException("the signer sets " + name + " itself");
          }
          fields.computeIfAbsent(lower, k -> new ArrayList<>()).add(value);
        });
    SequencedMap<String, String> added = new LinkedHashMap<>();
    List<Component> components = new ArrayList<>(4);
    components.add(Component.of("@method"));
    components.add(Component.of("@target-uri"));
    if (body.length > 0) {
      String digest = ContentDigest.header(body);
      added.put("Content-Digest", digest);
      fields.put("content-digest", List.of(digest));
      components.add(Component.of("content-digest"));
    }
    if (fields.containsKey("content-type")) {
      components.add(Component.of("content-type"));
    }
    SignatureParameters params =
        SignatureParameters.create(
            components,
            created,
            expires,
            nonce,
            key.keyId(),
            key.algorithm().parameterValue(),
            null);
    byte[] base;
    try {
      base = SignatureBase.build(HttpRequestView.of(method, targetUri, fields), params);
    } catch (SignatureException e) {
      throw new IllegalArgumentException("cannot sign this request: " + e.getMessage(), e);
    }
    String signature = Base64.getEncoder().encodeToString(key.sign(base));
    added.put("Signature-Input", LABEL + "=" + params.serialized());
    added.put("Signature", LABEL + "=:" + signature + ":");
    return Collections.unmodifiableSequencedMap(added);
  }
}
