package dev.warden.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;

/**
 * The CEL environment of rule conditions (Google's {@code dev.cel}), and the compiler from a {@code
 * when} text to a {@link Condition}. Compiled once per rule at load; every refusal names the line
 * and column in the expression.
 *
 * <p>Variables, declared as maps because their fields are fixed by this class rather than by a
 * protobuf schema (so {@link ConditionScan} checks the field names instead of the CEL checker):
 *
 * <ul>
 *   <li>{@code request}: {@code action}, {@code resource} (strings), {@code params} (the body's
 *       JSON {@code params}; {@code {}} when absent), {@code amount} ({@code {value, currency}},
 *       strings; {@code null} when absent), {@code labels} (string to string), {@code
 *       classification} (a string; {@code null} when absent)
 *   <li>{@code agent}: {@code id}, {@code tenant}, {@code labels}; {@code tenant}: {@code id}
 *   <li>{@code now}: the decision's time, a timestamp
 *   <li>{@code usage}: {@code budget} (budget id to minor units used in the current window) and
 *       {@code count} (quota id to actions counted), both maps of string to int
 * </ul>
 */
final class CelConditions {

  /** Longest accepted condition, in characters. */
  static final int MAX_CHARS = 4_096;

  /** Deepest accepted nesting of the parsed expression. */
  static final int MAX_PARSE_DEPTH = 100;

  /** Most loop iterations of all comprehensions ({@code all}, {@code exists}, ...) of one run. */
  static final int MAX_ITERATIONS = 1_000;

  static final CelOptions OPTIONS =
      CelOptions.current()
          .maxExpressionCodePointSize(MAX_CHARS)
          .maxParseRecursionDepth(MAX_PARSE_DEPTH)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .enableHeterogeneousNumericComparisons(true)
          .build();

  private static final CelType FIELDS = MapType.create(SimpleType.STRING, SimpleType.DYN);

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar(ConditionScan.REQUEST, FIELDS)
          .addVar(ConditionScan.AGENT, FIELDS)
          .addVar(ConditionScan.TENANT, FIELDS)
          .addVar(ConditionScan.NOW, SimpleType.TIMESTAMP)
          .addVar(
              ConditionScan.USAGE,
              MapType.create(SimpleType.STRING, MapType.create(SimpleType.STRING, SimpleType.INT)))
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private CelConditions() {}

  /** Why a condition was refused, with its position in the expression (both 1-based). */
  static final class Invalid extends Exception {
    private final int line;
    private final int column;

    Invalid(int line, int column, String message) {
      super(message);
      this.line = line;
      this.column = column;
    }

    int line() {
      return line;
    }

    int column() {
      return column;
    }
  }

  /**
   * Parses, type-checks and plans {@code source}.
   *
   * @param budgets the policy's budgets and quotas, which {@code usage} may name
   * @throws Invalid if it does not parse, does not type-check as a bool, selects a field its
   *     variable does not have, or names a budget or quota the policy does not have
   */
  static Condition compile(String source, List<BudgetRule> budgets) throws Invalid {
    if (source.length() > MAX_CHARS) {
      throw new Invalid(
          1, 1, "the condition has " + source.length() + " characters; at most " + MAX_CHARS);
    }
    CelValidationResult result = COMPILER.compile(source);
    if (result.hasError()) {
      List<CelIssue> errors = result.getErrors();
      CelIssue first = errors.get(0);
      String more =
          errors.size() == 1
              ? ""
              : " (and "
                  + (errors.size() - 1)
                  + " more problem"
                  + (errors.size() > 2 ? "s" : "")
                  + ")";
      throw new Invalid(
          Math.max(1, first.getSourceLocation().getLine()),
          first.getSourceLocation().getColumn() + 1,
          clean(first.getMessage()) + more);
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = result.getAst();
    } catch (CelValidationException e) {
      throw new IllegalStateException("a result without errors has an AST", e);
    }
    ConditionScan scan = ConditionScan.scan(ast, source, budgets);
    CelRuntime.Program program;
    try {
      program = RUNTIME.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new Invalid(1, 1, "the condition cannot be planned: " + e.getMessage());
    }
    return new Condition(source, program, scan);
  }

  /** CEL's message without the container note, which is always empty here. */
  private static String clean(String message) {
    return message.replace(" (in container '')", "");
  }
}
