package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Structured Field Values for HTTP, RFC 8941: the value types, a strict parser and the serializer
 * (§4.1). Parsing follows §4.2 exactly; any input outside the grammar throws {@link
 * SignatureException} with reason {@code MALFORMED_SIGNATURE} and the offset where parsing stopped.
 * Parsing is iterative and linear in the input length. Maps preserve member order. Date and Display
 * String (RFC 9651) are not supported.
 */
public final class StructuredFields {

  private StructuredFields() {}

  /** Parses a Dictionary (§4.2.2); an empty or all-space input is an empty dictionary. */
  public static Map<String, Member> parseDictionary(String value) throws SignatureException {
    return SfParser.dictionary(value, "structured field");
  }

  /** Parses a List (§4.2.1); an empty or all-space input is an empty list. */
  public static List<Member> parseList(String value) throws SignatureException {
    return SfParser.list(value, "structured field");
  }

  /** Parses an Item (§4.2.3). */
  public static Item parseItem(String value) throws SignatureException {
    return SfParser.item(value, "structured field");
  }

  /** Serializes a Dictionary (§4.1.2); an empty dictionary gives the empty string. */
  public static String serializeDictionary(Map<String, ? extends Member> dictionary) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ? extends Member> e : dictionary.entrySet()) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append(checkKey(e.getKey()));
      Member member = e.getValue();
      if (member instanceof Item item && item.value().equals(SfBoolean.TRUE)) {
        appendParameters(out, item.params());
      } else {
        out.append('=');
        appendMember(out, member);
      }
    }
    return out.toString();
  }

  /** Serializes a List (§4.1.1); an empty list gives the empty string. */
  public static String serializeList(List<? extends Member> list) {
    StringBuilder out = new StringBuilder();
    for (Member member : list) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      appendMember(out, member);
    }
    return out.toString();
  }

  /** Serializes an Item or an Inner List with its parameters (§4.1.3, §4.1.1.1). */
  public static String serialize(Member member) {
    StringBuilder out = new StringBuilder();
    appendMember(out, member);
    return out.toString();
  }

  /** Serializes a bare item without parameters. */
  public static String serialize(BareItem value) {
    StringBuilder out = new StringBuilder();
    appendBareItem(out, value);
    return out.toString();
  }

  /** A member of a List or Dictionary: an Item or an Inner List, each with parameters. */
  public sealed interface Member permits Item, InnerList {
    Parameters params();
  }

  /** An Item: a bare item with parameters (§3.3). */
  public record Item(BareItem value, Parameters params) implements Member {
    public Item {
      requireNonNull(value, "value");
      requireNonNull(params, "params");
    }

    public static Item of(BareItem value) {
      return new Item(value, Parameters.EMPTY);
    }
  }

  /** An Inner List: items in parentheses, with parameters (§3.1.1). */
  public record InnerList(List<Item> items, Parameters params) implements Member {
    public InnerList {
      items = List.copyOf(items);
      requireNonNull(params, "params");
    }
  }

  /** Parameters (§3.1.2): ordered, keys per the {@code key} rule, later keys replace earlier. */
  public record Parameters(Map<String, BareItem> map) {
    public static final Parameters EMPTY = new Parameters(Map.of());

    public Parameters {
      LinkedHashMap<String, BareItem> copy = new LinkedHashMap<>();
      for (Map.Entry<String, BareItem> e : map.entrySet()) {
        copy.put(checkKey(e.getKey()), requireNonNull(e.getValue(), "parameter value"));
      }
      map = Collections.unmodifiableMap(copy);
    }

    public Optional<BareItem> get(String key) {
      return Optional.ofNullable(map.get(key));
    }

    public boolean isEmpty() {
      return map.isEmpty();
    }

    /** Returns these parameters with {@code key} set to {@code value} (appended if new). */
    public Parameters with(String key, BareItem value) {
      LinkedHashMap<String, BareItem> copy = new LinkedHashMap<>(map);
      copy.put(key, value);
      return new Parameters(copy);
    }
  }

  /** A bare item (§3.3): integer, decimal, string, token, byte sequence or boolean. */
  public sealed interface BareItem
      permits SfInteger, SfDecimal, SfString, SfToken, SfByteSequence, SfBoolean {}

  /** An Integer, at most 15 decimal digits (§3.3.1). */
  public record SfInteger(long value) implements BareItem {
    static final long MAX = 999_999_999_999_999L;

    public SfInteger {
      if (value > MAX || value < -MAX) {
        throw new IllegalArgumentException("integer out of range: " + value);
      }
    }
  }

  /**
   * A Decimal (§3.3.2): at most 12 integer digits; the value is rounded to 3 fractional digits
   * (half to even), as serialization would.
   */
  public record SfDecimal(BigDecimal value) implements BareItem {
    private static final BigDecimal LIMIT = BigDecimal.TEN.pow(12);

    public SfDecimal {
      value = value.setScale(3, RoundingMode.HALF_EVEN);
      if (value.abs().compareTo(LIMIT) >= 0) {
        throw new IllegalArgumentException("decimal has more than 12 integer digits");
      }
    }
  }

  /** A String of printable ASCII, 0x20 to 0x7E (§3.3.3). */
  public record SfString(String value) implements BareItem {
    public SfString {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("string has a character outside 0x20-0x7E at " + i);
        }
      }
    }
  }

  /** A Token (§3.3.4). */
  public record SfToken(String value) implements BareItem {
    public SfToken {
      boolean ok = !value.isEmpty() && (isAlpha(value.charAt(0)) || value.charAt(0) == '*');
      for (int i = 1; ok && i < value.length(); i++) {
        char c = value.charAt(i);
        ok = isTchar(c) || c == ':' || c == '/';
      }
      if (!ok) {
        throw new IllegalArgumentException("not a token");
      }
    }
  }

  /** A Byte Sequence (§3.3.5); the array is copied in and out. */
  public record SfByteSequence(byte[] value) implements BareItem {
    public SfByteSequence {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SfByteSequence other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "SfByteSequence[" + value.length + " bytes]";
    }
  }

  /** A Boolean (§3.3.6). */
  public record SfBoolean(boolean value) implements BareItem {
    public static final SfBoolean TRUE = new SfBoolean(true);
    public static final SfBoolean FALSE = new SfBoolean(false);
  }

  private static void appendMember(StringBuilder out, Member member) {
    switch (member) {
      case Item item -> appendBareItem(out, item.value());
      case InnerList list -> {
        out.append('(');
        for (int i = 0; i < list.items().size(); i++) {
          if (i > 0) {
            out.append(' ');
          }
          appendMember(out, list.items().get(i));
        }
        out.append(')');
      }
    }
    appendParameters(out, member.params());
  }

  private static void appendParameters(StringBuilder out, Parameters params) {
    for (Map.Entry<String, BareItem> e : params.map().entrySet()) {
      out.append(';').append(e.getKey());
      if (!e.getValue().equals(SfBoolean.TRUE)) {
        out.append('=');
        appendBareItem(out, e.getValue());
      }
    }
  }

  private static void appendBareItem(StringBuilder out, BareItem value) {
    switch (value) {
      case SfInteger i -> out.append(i.value());
      case SfDecimal d -> {
        String plain = d.value().toPlainString(); // scale is exactly 3
        int end = plain.length();
        while (plain.charAt(end - 1) == '0' && plain.charAt(end - 2) != '.') {
          end--;
        }
        out.append(plain, 0, end);
      }
      case SfString s -> {
        out.append('"');
        for (int i = 0; i < s.value().length(); i++) {
          char c = s.value().charAt(i);
          if (c == '"' || c == '\\') {
            out.append('\\');
          }
          out.append(c);
        }
        out.append('"');
      }
      case SfToken t -> out.append(t.value());
      case SfByteSequence b ->
          out.append(':').append(Base64.getEncoder().encodeToString(b.value)).append(':');
      case SfBoolean b -> out.append(b.value() ? "?1" : "?0");
    }
  }

  static String checkKey(String key) {
    if (!isKey(key)) {
      throw new IllegalArgumentException("not a structured field key: " + key);
    }
    return key;
  }

  static boolean isKey(String key) {
    if (key.isEmpty() || !(isLcAlpha(key.charAt(0)) || key.charAt(0) == '*')) {
      return false;
    }
    for (int i = 1; i < key.length(); i++) {
      if (!isKeyChar(key.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isKeyChar(char c) {
    return isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
  }

  static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** RFC 9110 §5.6.2 tchar. */
  static boolean isTchar(char c) {
    return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
