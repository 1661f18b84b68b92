package dev.warden.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  private static final Currency USD = Money.currency("USD");
  private static final Currency JPY = Money.currency("JPY");
  private static final Currency BHD = Money.currency("BHD");

  @Test
  void toMinor_validDecimals_exactMinorUnits() {
    assertThat(Money.toMinor("12.50", USD)).isEqualTo(1250);
    assertThat(Money.toMinor("12.5", USD)).isEqualTo(1250);
    assertThat(Money.toMinor("12", USD)).isEqualTo(1200);
    assertThat(Money.toMinor("0", USD)).isZero();
    assertThat(Money.toMinor("0.01", USD)).isEqualTo(1);
    assertThat(Money.toMinor("12.500", USD)).as("trailing zeros are exact").isEqualTo(1250);
    assertThat(Money.toMinor("1.234", BHD)).as("three minor digits").isEqualTo(1234);
  }

  @Test
  void toMinor_moreDecimalsThanTheCurrencyHas_throwsNamingTheCurrency() {
    assertThatThrownBy(() -> Money.toMinor("12.505", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more decimals than USD")
        .hasMessageContaining("(2)");
  }

  @Test
  void toMinor_jpy_hasNoMinorUnits() {
    assertThat(Money.toMinor("1500", JPY)).isEqualTo(1500);
    assertThat(Money.toMinor("1500.0", JPY)).isEqualTo(1500);
    assertThatThrownBy(() -> Money.toMinor("12.5", JPY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JPY has minor units (0)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1",
        "-0.01",
        "+1",
        "1e3",
        "1E3",
        "1.5e-2",
        "0x10",
        "",
        " 1",
        "1 ",
        "1.",
        ".5",
        "01",
        "00.5",
        "1,50",
        "1.2.3",
        "١٢",
        "NaN",
        "Infinity"
      })
  void toMinor_notAPlainDecimal_throws(String decimal) {
    assertThatThrownBy(() -> Money.toMinor(decimal, USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain decimal");
  }

  @Test
  void toMinor_largestLong_isAcceptedAndOneMoreIsTooLarge() {
    assertThat(Money.toMinor("92233720368547758.07", USD)).isEqualTo(Long.MAX_VALUE);
    assertThat(Money.toMinor("9223372036854775807", JPY)).isEqualTo(Long.MAX_VALUE);

    assertThatThrownBy(() -> Money.toMinor("92233720368547758.08", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Money.toMinor("9223372036854775808", JPY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Money.toMinor("100000000000000000000", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void toMinor_overlongString_isRefusedWithoutEchoingIt() {
    String huge = "9".repeat(100_000);

    assertThatThrownBy(() -> Money.toMinor(huge, USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long")
        .hasMessageNotContaining("9999");
  }

  @Test
  void toMinor_null_throws() {
    assertThatThrownBy(() -> Money.toMinor(null, USD)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void currency_knownCode_returnsIt() {
    assertThat(Money.currency("EUR").getDefaultFractionDigits()).isEqualTo(2);
    assertThat(JPY.getDefaultFractionDigits()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"usd", "US", "USDX", "ZZZ", "XXX", "XAU", ""})
  void currency_notAMoneyCurrency_throws(String code) {
    assertThatThrownBy(() -> Money.currency(code)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void format_minorUnits_printsEveryMinorDigit() {
    assertThat(Money.format(320, Money.currency("EUR"))).isEqualTo("3.20");
    assertThat(Money.format(5, USD)).isEqualTo("0.05");
    assertThat(Money.format(0, USD)).isEqualTo("0.00");
    assertThat(Money.format(1500, JPY)).isEqualTo("1500");
    assertThat(Money.format(1234, BHD)).isEqualTo("1.234");
  }

  @Test
  void format_thenToMinor_roundTrips() {
    for (long minor : new long[] {0, 1, 99, 100, 123_456_789, Long.MAX_VALUE}) {
      for (Currency c : new Currency[] {USD, JPY, BHD}) {
        assertThat(Money.toMinor(Money.format(minor, c), c)).as("%d %s", minor, c).isEqualTo(minor);
      }
    }
  }
}
