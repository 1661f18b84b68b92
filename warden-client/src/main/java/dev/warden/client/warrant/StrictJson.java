package dev.warden.client.warrant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.client.warrant.WarrantException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Parses untrusted JSON strictly, so that what is canonicalized or read is what every other strict
 * reader sees: UTF-8 without a byte order mark (decoded by a reporting decoder, so overlong forms
 * and encoded surrogates fail), exactly one RFC 8259 value, no repeated member name at any depth,
 * no unpaired surrogate escape in a name or string, every number a finite IEEE 754 double (RFC 8785
 * and I-JSON), nesting at most {@value #MAX_DEPTH}. Warden's server reads request bodies by the
 * same rules. Thread-safe.
 */
final class StrictJson {
  static final int MAX_DEPTH = 128;
  private static final int MAX_QUOTED = 120;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                  // Names from untrusted input are not interned into a shared table.
                  .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                  .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          // Callers bound the byte length; strings are bounded by it.
                          .maxStringLength(Integer.MAX_VALUE)
                          .maxNameLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private StrictJson() {}

  /**
   * Parses {@code json}.
   *
   * @param maxBytes longest input accepted
   * @param what names the input in messages ("JWS payload")
   * @param reason the reason of the exception when the input is refused
   * @throws WarrantException with {@code reason} if any rule of the class description is broken
   */
  static JsonNode parse(byte[] json, int maxBytes, String what, Reason reason)
      throws WarrantException {
    if (json.length > maxBytes) {
      throw new WarrantException(
          reason, what + " is " + json.length + " bytes, more than the " + maxBytes + " accepted");
    }
    CharBuffer text = decodeUtf8(json, what, reason);
    @Nullable JsonNode root;
    try (JsonParser parser = MAPPER.createParser(text.array(), 0, text.limit())) {
      root = MAPPER.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw new WarrantException(reason, what + " has data after its JSON value");
      }
    } catch (JsonProcessingException e) {
      throw new WarrantException(
          reason, what + " is not strict JSON: " + quote(e.getOriginalMessage()));
    } catch (IOException e) {
      // Reading from memory fails only by refusing the text.
      throw new WarrantException(reason, what + " is not strict JSON: " + quote(e.getMessage()));
    }
    if (root == null) {
      throw new WarrantException(reason, what + " is empty");
    }
    String problem = problem(root);
    if (problem != null) {
      throw new WarrantException(reason, what + " is not strict JSON: " + problem);
    }
    return root;
  }

  /** At most {@value #MAX_QUOTED} characters of {@code s}, so messages stay small. */
  static String quote(String s) {
    return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "…";
  }

  private static CharBuffer decodeUtf8(byte[] json, String what, Reason reason)
      throws WarrantException {
    if (json.length >= 3
        && json[0] == (byte) 0xEF
        && json[1] == (byte) 0xBB
        && json[2] == (byte) 0xBF) {
      throw new WarrantException(reason, what + " starts with a byte order mark");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(json));
    } catch (CharacterCodingException e) {
      throw new WarrantException(reason, what + " is not valid UTF-8");
    }
  }

  /** What breaks the rules Jackson does not enforce, or null. Depth is bounded by the parser. */
  private static @Nullable String problem(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        for (var member : node.properties()) {
          if (hasUnpairedSurrogate(member.getKey())) {
            return "a member name has an unpaired surrogate";
          }
          String inner = problem(member.getValue());
          if (inner != null) {
            return inner;
          }
        }
      }
      case ARRAY -> {
        for (JsonNode element : node) {
          String inner = problem(element);
          if (inner != null) {
            return inner;
          }
        }
      }
      case STRING -> {
        if (hasUnpairedSurrogate(node.textValue())) {
          return "a string has an unpaired surrogate";
        }
      }
      case NUMBER -> {
        if (!Double.isFinite(Jcs.toDouble(node))) {
          return "a number is outside the IEEE 754 double range";
        }
      }
      default -> {}
    }
    return null;
  }

  private static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
