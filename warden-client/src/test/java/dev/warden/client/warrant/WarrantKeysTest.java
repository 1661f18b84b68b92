package dev.warden.client.warrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WarrantKeysTest {
  private static final WarrantFixture A = new WarrantFixture(1);
  private static final WarrantFixture B = new WarrantFixture(2);

  @Test
  void thumbprint_rfc8037ExampleKey_isTheRfcsThumbprint() {
    // RFC 8037 Appendix A.1 public key and its A.3 RFC 7638 thumbprint.
    byte[] x =
        HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    assertThat(WarrantKeys.thumbprint(x)).isEqualTo("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  }

  @Test
  void parse_twoKeys_knowsBothInOrder() throws Exception {
    WarrantKeys keys = WarrantKeys.parse(WarrantFixture.jwks(B, A));

    assertThat(keys.kids()).containsExactly(B.kid, A.kid);
    assertThat(keys.publicKey(A.kid)).isEqualTo(A.publicKey);
    assertThat(keys.publicKey(B.kid)).isEqualTo(B.publicKey);
    assertThat(keys.publicKey("unknown")).isNull();
  }

  @Test
  void parse_minimalKey_isAccepted() throws Exception {
    ObjectNode k = A.jwk();
    k.remove("alg");
    k.remove("use");

    assertThat(WarrantKeys.parse(jwks(k)).kids()).containsExactly(A.kid);
  }

  static Stream<Arguments> badJwks() {
    return Stream.of(
        Arguments.of("not JSON", "{keys:[]}"),
        Arguments.of("no keys", "{\"keys\":[]}"),
        Arguments.of("keys not an array", "{\"keys\":{}}"),
        Arguments.of("extra top-level member", "{\"keys\":[],\"x\":1}"),
        Arguments.of("repeated member", "{\"keys\":[],\"keys\":[]}"),
        Arguments.of("same kid twice", WarrantFixture.jwks(A, A)),
        Arguments.of("RSA key", jwks(A.jwk().put("kty", "RSA"))),
        Arguments.of("EC key", jwks(A.jwk().put("kty", "EC").put("crv", "P-256"))),
        Arguments.of("X25519 key", jwks(A.jwk().put("crv", "X25519"))),
        Arguments.of("no kty", jwks(without(A.jwk(), "kty"))),
        Arguments.of("private key", jwks(A.jwk().put("d", WarrantFixture.b64(A.seed)))),
        Arguments.of("unknown member", jwks(A.jwk().put("x5u", "https://example"))),
        Arguments.of("alg ES256", jwks(A.jwk().put("alg", "ES256"))),
        Arguments.of("use enc", jwks(A.jwk().put("use", "enc"))),
        Arguments.of("x of 31 bytes", jwks(A.jwk().put("x", WarrantFixture.b64(new byte[31])))),
        Arguments.of("x padded", jwks(A.jwk().put("x", A.jwk().get("x").textValue() + "="))),
        Arguments.of("kid not the thumbprint", jwks(A.jwk().put("kid", B.kid))),
        Arguments.of("no kid", jwks(without(A.jwk(), "kid"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badJwks")
  void parse_badJwks_throwsMalformed(String name, String json) {
    WarrantException e =
        catchThrowableOfType(WarrantException.class, () -> WarrantKeys.parse(json));

    assertThat(e).as(name).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void parse_rsaKey_messageNamesTheType() {
    WarrantException e =
        catchThrowableOfType(
            WarrantException.class, () -> WarrantKeys.parse(jwks(A.jwk().put("kty", "RSA"))));

    assertThat(e.getMessage()).contains("RSA");
  }

  private static ObjectNode without(ObjectNode node, String member) {
    node.remove(member);
    return node;
  }

  private static String jwks(ObjectNode key) {
    ObjectNode root = WarrantFixture.JSON.createObjectNode();
    root.putArray("keys").add(key);
    return root.toString();
  }
}
