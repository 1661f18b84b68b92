package dev.warden.httpsig;

import dev.warden.httpsig.StructuredFields.BareItem;
import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Member;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfBoolean;
import dev.warden.httpsig.StructuredFields.SfByteSequence;
import dev.warden.httpsig.StructuredFields.SfDecimal;
import dev.warden.httpsig.StructuredFields.SfInteger;
import dev.warden.httpsig.StructuredFields.SfString;
import dev.warden.httpsig.StructuredFields.SfToken;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 8941 §4.2 parsing algorithms, one method per grammar rule. No recursion beyond the
 * grammar's fixed depth (a member contains at most an inner list of items), one pass over the
 * input, so the work is linear in its length.
 */
final class SfParser {

  private final String input;
  private final String context;
  private int pos;

  private SfParser(String input, String context) {
    this.input = input;
    this.context = context;
  }

  static Map<String, Member> dictionary(String input, String context) throws SignatureException {
    SfParser p = new SfParser(input, context);
    p.skipSp();
    Map<String, Member> result = p.parseDictionary();
    p.expectEnd();
    return result;
  }

  static List<Member> list(String input, String context) throws SignatureException {
    SfParser p = new SfParser(input, context);
    p.skipSp();
    List<Member> result = p.parseList();
    p.expectEnd();
    return result;
  }

  static Item item(String input, String context) throws SignatureException {
    SfParser p = new SfParser(input, context);
    p.skipSp();
    Item result = p.parseItem();
    p.expectEnd();
    return result;
  }

  /** A lone Inner List, such as a serialized {@code @signature-params} value. */
  static InnerList innerList(String input, String context) throws SignatureException {
    SfParser p = new SfParser(input, context);
    p.skipSp();
    if (p.peek() != '(') {
      throw p.fail("expected '('");
    }
    InnerList result = p.parseInnerList();
    p.expectEnd();
    return result;
  }

  private void expectEnd() throws SignatureException {
    skipSp();
    if (!atEnd()) {
      throw fail("unexpected character");
    }
  }

  /** §4.2.1 */
  private List<Member> parseList() throws SignatureException {
    List<Member> members = new ArrayList<>();
    while (!atEnd()) {
      members.add(parseItemOrInnerList());
      if (!separator()) {
        break;
      }
    }
    return Collections.unmodifiableList(members);
  }

  /** §4.2.2; a repeated key keeps its first position and takes the last value. */
  private Map<String, Member> parseDictionary() throws SignatureException {
    Map<String, Member> members = new LinkedHashMap<>();
    while (!atEnd()) {
      String key = parseKey();
      Member member;
      if (peek() == '=') {
        pos++;
        member = parseItemOrInnerList();
      } else {
        member = new Item(SfBoolean.TRUE, parseParameters());
      }
      members.put(key, member);
      if (!separator()) {
        break;
      }
    }
    return Collections.unmodifiableMap(members);
  }

  /** OWS "," OWS between members; false at the end of input, fails on a trailing comma. */
  private boolean separator() throws SignatureException {
    skipOws();
    if (atEnd()) {
      return false;
    }
    if (peek() != ',') {
      throw fail("expected ',' between members");
    }
    pos++;
    skipOws();
    if (atEnd()) {
      throw fail("trailing ','");
    }
    return true;
  }

  private Member parseItemOrInnerList() throws SignatureException {
    return peek() == '(' ? parseInnerList() : parseItem();
  }

  /** §4.2.1.2 */
  private InnerList parseInnerList() throws SignatureException {
    pos++; // '('
    List<Item> items = new ArrayList<>();
    while (!atEnd()) {
      skipSp();
      if (peek() == ')') {
        pos++;
        return new InnerList(items, parseParameters());
      }
      items.add(parseItem());
      char c = peek();
      if (c != ' ' && c != ')') {
        throw fail("expected ' ' or ')' in inner list");
      }
    }
    throw fail("inner list is not closed");
  }

  /** §4.2.3 */
  private Item parseItem() throws SignatureException {
    BareItem value = parseBareItem();
    return new Item(value, parseParameters());
  }

  /** §4.2.3.1 */
  private BareItem parseBareItem() throws SignatureException {
    char c = peek();
    if (c == '-' || StructuredFields.isDigit(c)) {
      return parseNumber();
    } else if (c == '"') {
      return parseString();
    } else if (c == '*' || StructuredFields.isAlpha(c)) {
      return parseToken();
    } else if (c == ':') {
      return parseByteSequence();
    } else if (c == '?') {
      return parseBoolean();
    }
    throw fail(atEnd() ? "expected an item" : "unexpected character, expected an item");
  }

  /** §4.2.3.2 */
  private Parameters parseParameters() throws SignatureException {
    if (peek() != ';') {
      return Parameters.EMPTY;
    }
    Map<String, BareItem> params = new LinkedHashMap<>();
    while (peek() == ';') {
      pos++;
      skipSp();
      String key = parseKey();
      BareItem value = SfBoolean.TRUE;
      if (peek() == '=') {
        pos++;
        value = parseBareItem();
      }
      params.put(key, value);
    }
    return new Parameters(params);
  }

  /** §4.2.3.3 */
  private String parseKey() throws SignatureException {
    char first = peek();
    if (!(StructuredFields.isLcAlpha(first) || first == '*')) {
      throw fail("expected a key (lower-case letter or '*')");
    }
    int start = pos++;
    while (!atEnd() && StructuredFields.isKeyChar(input.charAt(pos))) {
      pos++;
    }
    return input.substring(start, pos);
  }

  /** §4.2.4 */
  private BareItem parseNumber() throws SignatureException {
    int start = pos;
    boolean negative = peek() == '-';
    if (negative) {
      pos++;
    }
    if (!StructuredFields.isDigit(peek())) {
      throw fail("expected a digit");
    }
    int digitsStart = pos;
    int dot = -1;
    while (!atEnd()) {
      char c = input.charAt(pos);
      if (StructuredFields.isDigit(c)) {
        pos++;
      } else if (dot < 0 && c == '.') {
        if (pos - digitsStart > 12) {
          throw fail("decimal has more than 12 integer digits");
        }
        dot = pos++;
      } else {
        break;
      }
      int length = pos - digitsStart;
      if (dot < 0 && length > 15) {
        throw fail("integer has more than 15 digits");
      }
      if (dot >= 0 && length > 16) {
        throw fail("decimal is too long");
      }
    }
    if (dot < 0) {
      return new SfInteger(Long.parseLong(input, start, pos, 10));
    }
    int fraction = pos - dot - 1;
    if (fraction == 0) {
      throw fail("decimal ends with '.'");
    }
    if (fraction > 3) {
      throw fail("decimal has more than 3 fractional digits");
    }
    return new SfDecimal(new BigDecimal(input.substring(start, pos)));
  }

  /** §4.2.5 */
  private SfString parseString() throws SignatureException {
    pos++; // '"'
    StringBuilder out = new StringBuilder();
    while (!atEnd()) {
      char c = input.charAt(pos++);
      if (c == '\\') {
        if (atEnd()) {
          throw fail("string ends inside an escape");
        }
        char next = input.charAt(pos++);
        if (next != '"' && next != '\\') {
          pos--;
          throw fail("invalid escape in string");
        }
        out.append(next);
      } else if (c == '"') {
        return new SfString(out.toString());
      } else if (c < 0x20 || c > 0x7e) {
        pos--;
        throw fail("string contains a character outside 0x20-0x7E");
      } else {
        out.append(c);
      }
    }
    throw fail("string is not closed");
  }

  /** §4.2.6 */
  private SfToken parseToken() {
    int start = pos++;
    while (!atEnd()) {
      char c = input.charAt(pos);
      if (!(StructuredFields.isTchar(c) || c == ':' || c == '/')) {
        break;
      }
      pos++;
    }
    return new SfToken(input.substring(start, pos));
  }

  /** §4.2.7; padding and pad bits are accepted as the JDK decoder accepts them (§4.2.7 SHOULD). */
  private SfByteSequence parseByteSequence() throws SignatureException {
    int start = ++pos; // ':'
    while (!atEnd() && input.charAt(pos) != ':') {
      char c = input.charAt(pos);
      if (!(StructuredFields.isAlpha(c)
          || StructuredFields.isDigit(c)
          || c == '+'
          || c == '/'
          || c == '=')) {
        throw fail("byte sequence contains a character outside base64");
      }
      pos++;
    }
    if (atEnd()) {
      throw fail("byte sequence is not closed");
    }
    String encoded = input.substring(start, pos);
    try {
      byte[] bytes = Base64.getDecoder().decode(encoded);
      pos++; // ':'
      return new SfByteSequence(bytes);
    } catch (IllegalArgumentException e) {
      pos = start;
      throw fail("byte sequence is not valid base64");
    }
  }

  /** §4.2.8 */
  private SfBoolean parseBoolean() throws SignatureException {
    pos++; // '?'
    char c = peek();
    if (c == '1' || c == '0') {
      pos++;
      return c == '1' ? SfBoolean.TRUE : SfBoolean.FALSE;
    }
    throw fail("expected '0' or '1' after '?'");
  }

  private boolean atEnd() {
    return pos >= input.length();
  }

  /** The next character, or NUL at the end (NUL never matches any grammar rule). */
  private char peek() {
    return atEnd() ? '\0' : input.charAt(pos);
  }

  private void skipSp() {
    while (!atEnd() && input.charAt(pos) == ' ') {
      pos++;
    }
  }

  private void skipOws() {
    while (!atEnd() && (input.charAt(pos) == ' ' || input.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private SignatureException fail(String what) {
    return SignatureException.malformed(context + ": " + what + " at offset " + pos);
  }
}
