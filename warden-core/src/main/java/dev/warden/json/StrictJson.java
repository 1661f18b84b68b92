package dev.warden.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.JsonRejected.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses untrusted JSON strictly: RFC 8259 grammar and nothing more, within {@link JsonLimits}.
 *
 * <p>Rules, in the order they are checked: the body is at most {@code maxBodyBytes}; it is UTF-8
 * without a byte order mark (checked by a reporting {@link CharsetDecoder} before parsing, so
 * overlong forms, encoded surrogates and truncated sequences fail); it holds exactly one JSON value
 * with only whitespace after it; no object repeats a member name; no NaN or Infinity, no leading
 * '+' or leading zeros; no string escapes an unpaired surrogate; nesting, strings, numbers and
 * member counts stay within their limits; every number fits an IEEE 754 double (RFC 8785 and I-JSON
 * need that). Numbers are kept exactly as written: integers as int, long or {@link
 * java.math.BigInteger} nodes, everything with a fraction or exponent as a {@link
 * java.math.BigDecimal} node with its scale (the effect of {@code USE_BIG_DECIMAL_FOR_FLOATS}
 * without trailing-zero stripping); nothing goes through {@code double}.
 *
 * <p>Thread-safe. The Jackson factories are immutable and shared, one per distinct {@link
 * JsonLimits} value.
 */
public final class StrictJson {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** Distinct limits are few in practice (one per configuration); beyond this, do not cache. */
  private static final int MAX_CACHED_FACTORIES = 16;

  private static final ConcurrentHashMap<JsonLimits, JsonFactory> FACTORIES =
      new ConcurrentHashMap<>();

  static {
    FACTORIES.put(JsonLimits.defaults(), newFactory(JsonLimits.defaults()));
  }

  private StrictJson() {}

  /**
   * Parses {@code body} as one strict JSON document.
   *
   * @return the tree; never a missing node
   * @throws JsonRejected if any rule in the class description is broken; the reason and pointer
   *     name the first one found
   */
  public static JsonNode parse(byte[] body, JsonLimits limits) throws JsonRejected {
    if (body.length > limits.maxBodyBytes()) {
      throw Rejections.tooLarge(body.length, limits);
    }
    CharBuffer text = decodeUtf8(body);
    try (JsonParser parser =
        factory(limits).createParser(text.array(), text.arrayOffset(), text.limit())) {
      return new TreeReader(parser, limits).read();
    } catch (IOException e) {
      // Only close() can get here: parsing errors become JsonRejected inside TreeReader.
      throw new UncheckedIOException(e);
    }
  }

  private static CharBuffer decodeUtf8(byte[] body) throws JsonRejected {
    if (body.length >= 3 && body[0] == BOM[0] && body[1] == BOM[1] && body[2] == BOM[2]) {
      throw new JsonRejected(
          Reason.INVALID_UTF8, "", "body starts with a byte order mark, which JSON forbids");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    // UTF-8 never needs more UTF-16 code units than bytes.
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new JsonRejected(
          Reason.INVALID_UTF8,
          "",
          "body is not valid UTF-8: "
              + (result.isMalformed() ? "malformed" : "unmappable")
              + " sequence at byte offset "
              + in.position());
    }
    out.flip();
    return out;
  }

  private static JsonFactory factory(JsonLimits limits) {
    JsonFactory cached = FACTORIES.get(limits);
    if (cached != null) {
      return cached;
    }
    if (FACTORIES.size() >= MAX_CACHED_FACTORIES) {
      return newFactory(limits);
    }
    return FACTORIES.computeIfAbsent(limits, StrictJson::newFactory);
  }

  private static JsonFactory newFactory(JsonLimits limits) {
    // Jackson's constraints are a second line behind TreeReader's own checks, which run first
    // (depth gets one level of slack for that) and give messages with a pointer and a setting.
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxDocumentLength(limits.maxBodyBytes())
            .maxNestingDepth(limits.maxDepth() + 1)
            .maxStringLength(limits.maxStringLength() + 1)
            .maxNameLength(limits.maxStringLength() + 1)
            .maxNumberLength(limits.maxNumberLength() + 1)
            .build();
    return JsonFactory.builder()
        .streamReadConstraints(constraints)
        // Accepted by the tokenizer only so that TreeReader can refuse them by name.
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        // Names from untrusted input are not canonicalized or interned into a shared table.
        .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .build();
  }
}
