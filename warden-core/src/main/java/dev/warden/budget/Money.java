package dev.warden.budget;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Currency;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decimal strings and integer minor units of an ISO 4217 currency (SPEC §2: money is never a
 * float). {@code "12.50"} USD is 1250 minor units; JPY has none, so {@code "12.5"} JPY is refused
 * rather than rounded.
 */
public final class Money {

  /**
   * A plain non-negative decimal: digits, optionally a point and more digits; no sign, exponent.
   * Its size is checked after it is parsed, so that a large amount is refused as too large, not as
   * malformed.
   */
  private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]+)?");

  /** Longer strings are refused before they are parsed: a long has 19 digits, the rest is slack. */
  static final int MAX_LENGTH = 64;

  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Money() {}

  /**
   * The ISO 4217 currency with code {@code code}.
   *
   * @throws IllegalArgumentException if it is not three upper-case letters naming a known currency
   *     with minor units (not e.g. {@code XXX})
   */
  public static Currency currency(String code) {
    if (code == null || !code.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("a currency is three upper-case letters like USD");
    }
    Currency c;
    try {
      c = Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(code + " is not an ISO 4217 currency");
    }
    if (c.getDefaultFractionDigits() < 0) {
      throw new IllegalArgumentException(code + " is not a currency of money (no minor units)");
    }
    return c;
  }

  /**
   * {@code decimal} in minor units of {@code currency}, exactly.
   *
   * @throws IllegalArgumentException naming the problem if it is not a plain non-negative decimal
   *     string, has more decimals than the currency has minor units, or does not fit in a long
   */
  public static long toMinor(String decimal, Currency currency) {
    Objects.requireNonNull(currency, "currency");
    if (decimal != null && decimal.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a decimal of "
              + decimal.length()
              + " characters is too long (at most "
              + MAX_LENGTH
              + ")");
    }
    if (decimal == null || !DECIMAL.matcher(decimal).matches()) {
      throw new IllegalArgumentException(
          "\"" + decimal + "\" is not a plain decimal like \"12.50\" (no sign, no exponent)");
    }
    BigDecimal value = new BigDecimal(decimal).stripTrailingZeros();
    int digits = currency.getDefaultFractionDigits();
    if (Math.max(0, value.scale()) > digits) {
      throw new IllegalArgumentException(
          decimal
              + " has more decimals than "
              + currency.getCurrencyCode()
              + " has minor units ("
              + digits
              + ")");
    }
    BigInteger minor = value.movePointRight(digits).toBigIntegerExact();
    if (minor.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          decimal + " " + currency.getCurrencyCode() + " is too large");
    }
    return minor.longValueExact();
  }

  /** {@code minor} units of {@code currency} as a decimal string with all its minor digits. */
  public static String format(long minor, Currency currency) {
    return BigDecimal.valueOf(minor, currency.getDefaultFractionDigits()).toPlainString();
  }
}
