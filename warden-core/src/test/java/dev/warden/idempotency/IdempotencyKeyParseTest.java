package dev.warden.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.InMemoryLogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IdempotencyGuard#parseKey}: the header's value forms Warden accepts and refuses. */
class IdempotencyKeyParseTest {
  private final IdempotencyGuard guard = new IdempotencyGuard(new InMemoryLogStore(), 16);

  @Test
  void parseKey_sfString_returnsContent() throws RequestRejected {
    assertThat(guard.parseKey("\"8e03978e-40d5\"")).isEqualTo("8e03978e-40d5");
  }

  @Test
  void parseKey_bareToken_returnsIt() throws RequestRejected {
    assertThat(guard.parseKey("order-1234")).isEqualTo("order-1234");
  }

  @Test
  void parseKey_surroundingWhitespace_stripped() throws RequestRejected {
    assertThat(guard.parseKey("  \"abc\"  ")).isEqualTo("abc");
    assertThat(guard.parseKey("\tabc ")).isEqualTo("abc");
  }

  @Test
  void parseKey_exactlyMaxLength_accepted() throws RequestRejected {
    assertThat(guard.parseKey("k".repeat(16))).hasSize(16);
    assertThat(guard.parseKey("\"" + "k".repeat(16) + "\"")).hasSize(16);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "", // empty
        "   ", // only whitespace
        "\"\"", // empty sf-string
        "kkkkkkkkkkkkkkkkk", // 17 > 16
        "\"kkkkkkkkkkkkkkkkk\"", // 17 inside quotes
        "clé", // not ASCII
        "\"clé\"",
        "a b", // space
        "\"a b\"",
        "a\u0001b", // control character
        "\"a\\\"b\"", // escaped quote inside an sf-string
        "\"a\\\\b\"", // escaped backslash inside an sf-string
        "\"a\"b\"", // stray quote inside quotes
        "\"", // a lone quote
        "\"abc", // unterminated sf-string
        "abc\"", // quote at the end of a bare token
        "a\"b", // quote inside a bare token
        "a\\b", // backslash in a bare token
      })
  void parseKey_invalid_throwsInvalidKey(String header) {
    assertThatThrownBy(() -> guard.parseKey(header))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.IDEMPOTENCY_INVALID_KEY);
              assertThat(r.code().status()).isEqualTo(400);
            });
  }

  @Test
  void parseKey_tooLong_messageNamesLimitAndSetting() {
    assertThatThrownBy(() -> guard.parseKey("k".repeat(17)))
        .isInstanceOf(RequestRejected.class)
        .hasMessageContaining("16")
        .hasMessageContaining("limits.max_idempotency_key_length");
  }
}
