package dev.warden.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.warden.json.JsonRejected.Reason;
import java.io.IOException;

/**
 * Every {@link JsonRejected} message, in one place so that they read alike: what, where (a JSON
 * Pointer), and for limits the value, the limit and the setting that changes it.
 */
final class Rejections {

  private Rejections() {}

  static JsonRejected tooLarge(int bytes, JsonLimits limits) {
    return new JsonRejected(
        Reason.TOO_LARGE,
        "",
        String.format(
            "request body of %d bytes exceeds %s = %d",
            bytes, JsonLimits.MAX_BODY_BYTES, limits.maxBodyBytes()));
  }

  /** {@code depth} is -1 when only Jackson's backstop knows it is too deep. */
  static JsonRejected tooDeep(String at, int depth, JsonLimits limits) {
    String value = depth < 0 ? "" : " " + depth;
    return new JsonRejected(
        Reason.TOO_DEEP,
        at,
        "JSON nesting depth"
            + value
            + " exceeds "
            + JsonLimits.MAX_JSON_DEPTH
            + " = "
            + limits.maxDepth());
  }

  static JsonRejected tooManyMembers(String at, boolean object, JsonLimits limits) {
    return new JsonRejected(
        Reason.LIMIT,
        at,
        String.format(
            "JSON %s at %s has more than %d %s, exceeding %s = %d",
            object ? "object" : "array",
            display(at),
            limits.maxObjectEntries(),
            object ? "members" : "elements",
            JsonLimits.MAX_MEMBERS,
            limits.maxObjectEntries()));
  }

  /** {@code length} is -1 when Jackson stopped reading the string: it is then just too long. */
  static JsonRejected stringTooLong(String at, int length, JsonLimits limits) {
    return tooLong("string", at, length, limits.maxStringLength(), JsonLimits.MAX_STRING_LENGTH);
  }

  /** {@code length} is -1 when Jackson stopped reading the number: it is then just too long. */
  static JsonRejected numberTooLong(String at, int length, JsonLimits limits) {
    return tooLong("number", at, length, limits.maxNumberLength(), JsonLimits.MAX_NUMBER_LENGTH);
  }

  private static JsonRejected tooLong(
      String what, String at, int length, int limit, String setting) {
    String size = length < 0 ? "more than " + limit : String.valueOf(length);
    return new JsonRejected(
        Reason.LIMIT,
        at,
        String.format(
            "%s at %s has %s characters, exceeding %s = %d",
            what, display(at), size, setting, limit));
  }

  static JsonRejected outsideDoubleRange(String at) {
    return new JsonRejected(
        Reason.LIMIT,
        at,
        "number at "
            + display(at)
            + " is outside the range of an IEEE 754 double (about ±1.8e308),"
            + " which RFC 8785 canonical JSON requires");
  }

  static JsonRejected exponentTooLarge(String at) {
    return new JsonRejected(
        Reason.LIMIT, at, "number at " + display(at) + " has an exponent too large to represent");
  }

  static JsonRejected nonFinite(String at, String text) {
    return new JsonRejected(
        Reason.NON_FINITE_NUMBER, at, "number " + text + " at " + display(at) + " is not finite");
  }

  static JsonRejected unpairedSurrogate(String at, char c) {
    return new JsonRejected(
        Reason.INVALID_UTF8,
        at,
        String.format(
            "string at %s contains an unpaired surrogate \\u%04X, which is not Unicode text",
            display(at), (int) c));
  }

  static JsonRejected duplicate(String objectAt, String escapedName) {
    return new JsonRejected(
        Reason.DUPLICATE_KEY,
        objectAt + "/" + escapedName,
        "duplicate member name \"" + escapedName + "\" in the object at " + display(objectAt));
  }

  static JsonRejected trailingData(JsonLocation at) {
    return new JsonRejected(
        Reason.TRAILING_DATA,
        "",
        String.format(
            "unexpected data after the JSON value at line %d, column %d",
            at.getLineNr(), at.getColumnNr()));
  }

  /**
   * Translates what Jackson threw. Its constraints are the second line of defense, behind {@link
   * TreeReader}'s own checks; they are reported with Warden's setting names.
   *
   * @param at the place {@link TreeReader} was reading
   */
  static JsonRejected fromJackson(IOException e, JsonParser parser, String at, JsonLimits limits) {
    String detail =
        e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    detail = detail == null ? "" : detail;
    if (e instanceof StreamConstraintsException) {
      if (detail.startsWith("String value length") || detail.startsWith("Name length")) {
        return stringTooLong(at, -1, limits);
      }
      if (detail.startsWith("Number value length")) {
        return numberTooLong(at, -1, limits);
      }
      if (detail.startsWith("Document nesting depth")) {
        return tooDeep(at, -1, limits);
      }
      return new JsonRejected(
          Reason.LIMIT, at, "JSON exceeds a parser limit: " + forClient(detail));
    }
    JsonLocation location = parser.currentLocation();
    // Jackson reads ahead (a member name and the start of its value in one step), so its own
    // context knows the place of a grammar error better than the tokens seen so far.
    String place = parser.getParsingContext().pathAsPointer().toString();
    return new JsonRejected(
        // Jackson checks some surrogate escapes in member names itself.
        detail.contains("surrogate") ? Reason.INVALID_UTF8 : Reason.SYNTAX,
        place,
        String.format(
            "invalid JSON at line %d, column %d: %s",
            location.getLineNr(), location.getColumnNr(), forClient(detail)));
  }

  /**
   * Jackson's explanation without its advice on enabling lenient features, which is meaningless to
   * an API client.
   */
  static String forClient(String jacksonMessage) {
    // The tokenizer accepts NaN and Infinity only so that they can be refused by name.
    String message = jacksonMessage.replace(" (or 'NaN'/'+INF'/'-INF')", "");
    for (String advice : new String[] {": enable `", "; enable `", " (or enable `", "\n"}) {
      int cut = message.indexOf(advice);
      if (cut >= 0) {
        message = message.substring(0, cut);
      }
    }
    return message.strip();
  }

  static String display(String pointer) {
    return pointer.isEmpty() ? "the top level" : pointer;
  }
}
