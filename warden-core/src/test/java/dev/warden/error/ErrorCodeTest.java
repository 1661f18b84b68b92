package dev.warden.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@link ErrorCode}: the stable codes are well-formed and unambiguous. */
class ErrorCodeTest {

  @Test
  void code_everyConstant_uniqueAcrossEnum() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).doesNotHaveDuplicates();
  }

  @Test
  void code_everyConstant_dottedLowerCase() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.code()).as(c.name()).matches("^[a-z]+\\.[a-z][a-z_]*[a-z]$");
    }
  }

  @Test
  void code_everyConstant_matchesConstantName() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.name().toLowerCase(Locale.ROOT))
          .as(c.name())
          .isEqualTo(c.code().replace('.', '_'));
    }
  }

  @Test
  void status_everyConstant_isClientOrServerError() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.status()).as(c.code()).isBetween(400, 599);
    }
  }

  @Test
  void status_storeAndSignerUnavailable_are503AndInternalIs500() {
    assertThat(ErrorCode.STORE_UNAVAILABLE.status()).isEqualTo(503);
    assertThat(ErrorCode.SIGNER_UNAVAILABLE.status()).isEqualTo(503);
    assertThat(ErrorCode.INTERNAL_ERROR.status()).isEqualTo(500);
  }

  @Test
  void title_everyConstant_nonBlank() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.title()).as(c.code()).isNotBlank();
    }
  }

  @Test
  void requestRejected_atPointerAndWithDecisionId_keepCodeDetailAndPointer() {
    RequestRejected r =
        RequestRejected.atPointer(ErrorCode.REQUEST_INVALID, "/amount/value", "bad value");
    RequestRejected logged = r.withDecisionId("01JDECISION");

    assertThat(logged.code()).isEqualTo(ErrorCode.REQUEST_INVALID);
    assertThat(logged.detail()).isEqualTo("bad value");
    assertThat(logged.pointer()).contains("/amount/value");
    assertThat(logged.decisionId()).contains("01JDECISION");
    assertThat(r.decisionId()).isEmpty();
    assertThat(new RequestRejected(ErrorCode.INTERNAL_ERROR, "x").pointer()).isEmpty();
  }
}
