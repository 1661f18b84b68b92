package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import dev.warden.httpsig.StructuredFields.BareItem;
import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfInteger;
import dev.warden.httpsig.StructuredFields.SfString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One signature's parameters, a member of {@code Signature-Input} (RFC 9421 §2.3, §4.1): the
 * covered components in order, the signature parameters, and {@code serialized}, the exact
 * {@code @signature-params} value that ends the signature base.
 *
 * <p>Warden's profile is stricter than the RFC: {@code created}, {@code nonce} and {@code keyid}
 * are required, parameters outside §2.3 are refused, and so are duplicate components. Whether
 * {@code created} and {@code expires} are fresh, and whether {@code alg} fits the key, is for the
 * caller to decide. {@code serialized} is always the RFC 8941 serialization of exactly the other
 * values: {@link #parse} derives both from one parsed member, {@link #of} checks what it is given,
 * so an instance is always self-consistent.
 */
public final class SignatureParameters {
  private final Fields fields;
  private final String serialized;

  /** From fields that {@code serialized} is the canonical serialization of; no check. */
  private SignatureParameters(Fields fields, String serialized) {
    this.fields = fields;
    this.serialized = serialized;
  }

  /**
   * Parameters given value by value, with {@code serialized}: checked to be the RFC 8941
   * serialization of exactly the other values.
   *
   * @throws IllegalArgumentException if they disagree, or {@code serialized} is not valid
   */
  public static SignatureParameters of(
      List<Component> components,
      long created,
      OptionalLong expires,
      String nonce,
      String keyId,
      Optional<String> alg,
      Optional<String> tag,
      String serialized) {
    Fields stated =
        new Fields(
            List.copyOf(components),
            created,
            requireNonNull(expires, "expires"),
            requireNonNull(nonce, "nonce"),
            requireNonNull(keyId, "keyId"),
            requireNonNull(alg, "alg"),
            requireNonNull(tag, "tag"));
    InnerList list;
    Fields parsed;
    try {
      list = SfParser.innerList(requireNonNull(serialized, "serialized"), "params");
      parsed = Fields.of(list);
    } catch (SignatureException e) {
      throw new IllegalArgumentException("invalid signature parameters: " + e.getMessage(), e);
    }
    if (!parsed.equals(stated) || !StructuredFields.serialize(list).equals(serialized)) {
      throw new IllegalArgumentException(
          "serialized is not the canonical serialization of the signature parameters");
    }
    return new SignatureParameters(stated, serialized);
  }

  /** The covered components, in order. */
  public List<Component> components() {
    return fields.components();
  }

  public long created() {
    return fields.created();
  }

  public OptionalLong expires() {
    return fields.expires();
  }

  public String nonce() {
    return fields.nonce();
  }

  public String keyId() {
    return fields.keyId();
  }

  public Optional<String> alg() {
    return fields.alg();
  }

  public Optional<String> tag() {
    return fields.tag();
  }

  /** The exact {@code @signature-params} value: the RFC 8941 serialization of the rest. */
  public String serialized() {
    return serialized;
  }

  /** Equal when the serializations are: a serialization determines every value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SignatureParameters other && serialized.equals(other.serialized);
  }

  @Override
  public int hashCode() {
    return serialized.hashCode();
  }

  @Override
  public String toString() {
    return "SignatureParameters[" + serialized + "]";
  }

  /**
   * Reads one member of {@code Signature-Input}: an inner list of component identifiers with the
   * signature parameters.
   *
   * @throws SignatureException MALFORMED_SIGNATURE naming the first problem
   */
  public static SignatureParameters parse(InnerList member) throws SignatureException {
    // The serialization of what was parsed is canonical and agrees with the fields by
    // construction: no self-check (which would parse it again) is needed.
    return new SignatureParameters(Fields.of(member), StructuredFields.serialize(member));
  }

  /** Parameters for signing, serialized in the order created, expires, nonce, keyid, alg, tag. */
  public static SignatureParameters create(
      List<Component> components,
      long created,
      @Nullable Long expires,
      String nonce,
      String keyId,
      @Nullable String alg,
      @Nullable String tag) {
    Map<String, BareItem> params = new LinkedHashMap<>();
    params.put("created", new SfInteger(created));
    if (expires != null) {
      params.put("expires", new SfInteger(expires));
    }
    params.put("nonce", new SfString(nonce));
    params.put("keyid", new SfString(keyId));
    if (alg != null) {
      params.put("alg", new SfString(alg));
    }
    if (tag != null) {
      params.put("tag", new SfString(tag));
    }
    List<Item> items = components.stream().map(Component::toItem).toList();
    String serialized = StructuredFields.serialize(new InnerList(items, new Parameters(params)));
    return of(
        components,
        created,
        expires == null ? OptionalLong.empty() : OptionalLong.of(expires),
        nonce,
        keyId,
        Optional.ofNullable(alg),
        Optional.ofNullable(tag),
        serialized);
  }

  /** Whether a component of this name is covered, with any parameters. */
  public boolean covers(String componentName) {
    return fields.components().stream().anyMatch(c -> c.name().equals(componentName));
  }

  /** The validated content of a {@code Signature-Input} member; no self-check, so no recursion. */
  private record Fields(
      List<Component> components,
      long created,
      OptionalLong expires,
      String nonce,
      String keyId,
      Optional<String> alg,
      Optional<String> tag) {

    static Fields of(InnerList member) throws SignatureException {
      List<Component> components = new ArrayList<>(member.items().size());
      Set<String> seen = new HashSet<>();
      for (Item item : member.items()) {
        Component c = Component.fromItem(item);
        if (!seen.add(c.identifier())) {
          throw SignatureException.malformed(
              "covered component " + Component.shown(c.identifier()) + " is listed twice");
        }
        components.add(c);
      }
      Long created = null;
      Long expires = null;
      String nonce = null;
      String keyId = null;
      String alg = null;
      String tag = null;
      for (Map.Entry<String, BareItem> e : member.params().map().entrySet()) {
        BareItem v = e.getValue();
        switch (e.getKey()) {
          case "created" -> created = nonNegative("created", v);
          case "expires" -> expires = nonNegative("expires", v);
          case "nonce" -> nonce = nonEmptyString("nonce", v);
          case "keyid" -> keyId = nonEmptyString("keyid", v);
          case "alg" -> alg = nonEmptyString("alg", v);
          case "tag" -> tag = nonEmptyString("tag", v);
          default ->
              throw SignatureException.malformed("unknown signature parameter " + e.getKey());
        }
      }
      if (created == null) {
        throw SignatureException.malformed("signature parameter created is missing");
      }
      if (nonce == null) {
        throw SignatureException.malformed("signature parameter nonce is missing");
      }
      if (keyId == null) {
        throw SignatureException.malformed("signature parameter keyid is missing");
      }
      return new Fields(
          List.copyOf(components),
          created,
          expires == null ? OptionalLong.empty() : OptionalLong.of(expires),
          nonce,
          keyId,
          Optional.ofNullable(alg),
          Optional.ofNullable(tag));
    }

    private static long nonNegative(String name, BareItem v) throws SignatureException {
      if (v instanceof SfInteger i && i.value() >= 0) {
        return i.value();
      }
      throw SignatureException.malformed(
          "signature parameter " + name + " must be a non-negative integer");
    }

    private static String nonEmptyString(String name, BareItem v) throws SignatureException {
      if (v instanceof SfString s && !s.value().isEmpty()) {
        return s.value();
      }
      throw SignatureException.malformed(
          "signature parameter " + name + " must be a non-empty string");
    }
  }
}
