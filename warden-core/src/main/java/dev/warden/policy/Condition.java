package dev.warden.policy;

import dev.cel.common.CelErrorCode;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A rule's compiled {@code when} condition, built by {@link CelConditions#compile}. Immutable and
 * thread-safe; {@link #test} reads only the variables, budgets and quotas the expression names.
 */
final class Condition {

  /** CEL's runtime messages start with the character offset of the failing node. */
  private static final Pattern AT =
      Pattern.compile("evaluation error at [^:]*:(\\d+): (.*)", Pattern.DOTALL);

  private final String source;
  private final CelRuntime.Program program;
  private final Set<String> variables;
  private final List<BudgetRule> usage;

  Condition(String source, CelRuntime.Program program, ConditionScan scan) {
    this.source = source;
    this.program = program;
    this.variables = Set.copyOf(scan.variables());
    this.usage = List.copyOf(scan.usage());
  }

  /** The expression as written. */
  String source() {
    return source;
  }

  /** True if the expression reads no variable, so its value is the same for every request. */
  boolean isConstant() {
    return variables.isEmpty();
  }

  /**
   * Evaluates the condition.
   *
   * @throws ConditionFailed if CEL reports an error (a missing key, no matching overload, the
   *     iteration limit), the result is not a bool, or usage cannot be read
   */
  boolean test(Activation activation) throws ConditionFailed {
    Map<String, Object> values = new HashMap<>(8);
    for (String name : variables) {
      values.put(name, activation.variable(name, usage));
    }
    @Nullable Object result;
    try {
      result = program.eval(values);
    } catch (CelEvaluationException e) {
      throw new ConditionFailed(describe(e), e);
    } catch (RuntimeException e) {
      throw new ConditionFailed("the CEL runtime failed (" + e.getClass().getSimpleName() + ")", e);
    }
    if (result instanceof Boolean b) {
      return b;
    }
    throw new ConditionFailed("the condition gave " + typeName(result) + ", not a bool");
  }

  /**
   * CEL's message where it can only name keys, functions and limits; for the other errors, whose
   * text may quote a request value ({@code int("secret")}), a fixed description of the error kind.
   */
  private String describe(CelEvaluationException e) {
    CelErrorCode code = e.getErrorCode();
    String message = e.getMessage() == null ? "" : e.getMessage();
    String position = "";
    Matcher m = AT.matcher(message);
    if (m.matches()) {
      position = " (at character " + (Integer.parseInt(m.group(1)) + 1) + ")";
      message = m.group(2);
    }
    String text =
        switch (code) {
          case ATTRIBUTE_NOT_FOUND, ITERATION_BUDGET_EXCEEDED, OVERLOAD_NOT_FOUND, DIVIDE_BY_ZERO ->
              message;
          case INDEX_OUT_OF_BOUNDS -> "a list index is out of bounds";
          case BAD_FORMAT -> "a value has the wrong format for a conversion";
          case NUMERIC_OVERFLOW -> "a number overflowed";
          case INVALID_ARGUMENT -> "a function was given an invalid argument";
          default -> "error " + code.name().toLowerCase(Locale.ROOT);
        };
    return text + position;
  }

  private static String typeName(@Nullable Object value) {
    return switch (value) {
      case null -> "null";
      case NullValue n -> "null";
      case Long l -> "an int";
      case Double d -> "a double";
      case String s -> "a string";
      case List<?> l -> "a list";
      case Map<?, ?> m -> "a map";
      default -> "a " + value.getClass().getSimpleName();
    };
  }
}
