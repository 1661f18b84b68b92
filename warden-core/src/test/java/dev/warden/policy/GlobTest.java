package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GlobTest {

  @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
  @CsvSource(
      quoteCharacter = '`',
      value = {
        "*, ``, true",
        "*, anything/at.all, true",
        "payments.*, payments., true",
        "payments.*, payments.transfer, true",
        "payments.*, payments, false",
        "payments.*, payments_transfer, false",
        "*.transfer, payments.transfer, true",
        "*.transfer, payments.transfer.x, false",
        "acct/*, acct/1/2/3, true",
        "acct/*, acct, false",
        "?, a, true",
        "?, ``, false",
        "?, ab, false",
        "a?c, abc, true",
        "a?c, a/c, true",
        "a?c, ac, false",
        "a*b*c, abc, true",
        "a*b*c, aXbYc, true",
        "a*b*c, abcbc, true",
        "a*b*c, acb, false",
        "*a*a*a*b, aaaaaaaaaaaaaaaaaaaaaaaaaaaaa, false",
        "*a*a*a*b, aaaaaaaaaaaaaaaaaaaaaaaaaaaab, true",
        "a*, a, true",
        "*a, a, true",
        "*?, ``, false",
        "*?, x, true",
        "?*?, xy, true",
        "?*?, x, false",
        "exact, exact, true",
        "exact, exactly, false",
        "exact, Exact, false",
        "a.b, aXb, false",
        "a+b, a+b, true",
        "(a|b), (a|b), true",
        "(a|b), a, false",
        "^a$, ^a$, true",
        "100%, 100%, true",
        "é?, éz, true",
      })
  void matches_pattern_followsGlobRules(String pattern, String input, boolean expected) {
    assertThat(Glob.compile(pattern).matches(input)).isEqualTo(expected);
  }

  @Test
  void matches_questionMark_matchesOneCodePointNotOneChar() {
    Glob one = Glob.compile("?");
    Glob two = Glob.compile("??");

    assertThat(one.matches("😀")).isTrue();
    assertThat(two.matches("😀")).isFalse();
    assertThat(Glob.compile("a?b").matches("a😀b")).isTrue();
    assertThat(Glob.compile("*?😀").matches("x😀😀")).isTrue();
  }

  @Test
  void matches_starDoesNotSplitSurrogatePairs() {
    assertThat(Glob.compile("*??").matches("😀")).isFalse();
    assertThat(Glob.compile("*?").matches("😀")).isTrue();
  }

  @Test
  void literalPrefix_isTextBeforeFirstWildcard() {
    assertThat(Glob.compile("payments.*").literalPrefix()).isEqualTo("payments.");
    assertThat(Glob.compile("pay?ents*").literalPrefix()).isEqualTo("pay");
    assertThat(Glob.compile("*").literalPrefix()).isEmpty();
    assertThat(Glob.compile("exact").literalPrefix()).isEqualTo("exact");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a**", "**", "[abc]", "a]", "{a,b}", "a}", "a\\*", "tab\there", "del\u007f"})
  void compile_refusedPattern_throws(String pattern) {
    assertThatThrownBy(() -> Glob.compile(pattern)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void compile_refusals_explainThemselves() {
    assertThatThrownBy(() -> Glob.compile(""))
        .hasMessage("a glob must not be empty; use \"*\" to match anything");
    assertThatThrownBy(() -> Glob.compile("a/[0-9]"))
        .hasMessage("glob \"a/[0-9]\" has '[', which is not supported: only * and ? are wildcards");
    assertThatThrownBy(() -> Glob.compile("a/**"))
        .hasMessageContaining("a single * already matches across '/' and '.'");
    assertThatThrownBy(() -> Glob.compile("a\ud800"))
        .hasMessage("glob has an unpaired surrogate at index 1");
    assertThatThrownBy(() -> Glob.compile("x".repeat(Glob.MAX_LENGTH + 1)))
        .hasMessage("a glob must be at most 1024 characters, got 1025");
  }

  @Test
  void equals_samePattern_equal() {
    assertThat(Glob.compile("a*")).isEqualTo(Glob.compile("a*")).hasToString("a*");
    assertThat(Glob.compile("a*")).isNotEqualTo(Glob.compile("a?"));
  }
}
