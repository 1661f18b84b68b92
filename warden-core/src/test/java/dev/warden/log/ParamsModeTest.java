package dev.warden.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.crypto.HmacKey;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link ParamsMode}: each mode against values computed here with javax.crypto over canonical JSON
 * written out by hand (not produced by Warden's canonicalizer).
 */
class ParamsModeTest {
  static final byte[] KEY_BYTES = new byte[40];

  static {
    for (int i = 0; i < KEY_BYTES.length; i++) {
      KEY_BYTES[i] = (byte) (0x40 + i);
    }
  }

  static final HmacKey KEY = HmacKey.of(KEY_BYTES);

  private static final String PARAMS =
      "{\"to\":\"bob\",\"nested\":{\"b\":2,\"a\":1.50},\"list\":[1,\"x\",null],\"flag\":true,"
          + "\"text\":\"\\u00e9\\n\"}";

  @Test
  void protect_hmac_replacesEachTopLevelValueByHmacOfItsCanonicalJson() throws Exception {
    JsonNode out = ParamsMode.HMAC.protect(parse(PARAMS), KEY);

    assertThat(out.isObject()).isTrue();
    assertThat(out.properties()).hasSize(5);
    assertThat(out.get("to").asText()).isEqualTo(hmac("\"bob\""));
    assertThat(out.get("nested").asText()).isEqualTo(hmac("{\"a\":1.5,\"b\":2}"));
    assertThat(out.get("list").asText()).isEqualTo(hmac("[1,\"x\",null]"));
    assertThat(out.get("flag").asText()).isEqualTo(hmac("true"));
    assertThat(out.get("text").asText()).isEqualTo(hmac("\"é\\n\""));
    out.properties()
        .forEach(e -> assertThat(e.getValue().asText()).matches("hmac-sha256:[0-9a-f]{64}"));
  }

  @Test
  void protect_hmac_sameValueUnderAnotherKeyName_sameHmac() throws Exception {
    JsonNode out = ParamsMode.HMAC.protect(parse("{\"a\":\"v\",\"b\":\"v\"}"), KEY);
    assertThat(out.get("a")).isEqualTo(out.get("b"));
  }

  @Test
  void protect_hmac_otherKey_otherHmac() throws Exception {
    byte[] other = KEY_BYTES.clone();
    other[0] ^= 1;
    JsonNode a = ParamsMode.HMAC.protect(parse("{\"a\":\"v\"}"), KEY);
    JsonNode b = ParamsMode.HMAC.protect(parse("{\"a\":\"v\"}"), HmacKey.of(other));
    assertThat(a.get("a")).isNotEqualTo(b.get("a"));
  }

  @Test
  void protect_digest_replacesWholeParamsBySha256OfCanonicalJson() throws Exception {
    JsonNode out = ParamsMode.DIGEST.protect(parse(PARAMS), KEY);

    String canonical =
        "{\"flag\":true,\"list\":[1,\"x\",null],\"nested\":{\"a\":1.5,\"b\":2},"
            + "\"text\":\"é\\n\",\"to\":\"bob\"}";
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(utf8(canonical));
    assertThat(out.isTextual()).isTrue();
    assertThat(out.asText()).isEqualTo("sha256:" + HexFormat.of().formatHex(sha));
  }

  @Test
  void protect_plain_keepsParamsAsSent() throws Exception {
    JsonNode in = parse(PARAMS);
    assertThat(ParamsMode.PLAIN.protect(in, KEY)).isEqualTo(parse(PARAMS));
  }

  static String hmac(String canonicalJson) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY_BYTES, "HmacSHA256"));
    return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(utf8(canonicalJson)));
  }

  static JsonNode parse(String json) throws JsonRejected {
    return StrictJson.parse(utf8(json), JsonLimits.defaults());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
