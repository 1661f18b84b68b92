package dev.warden.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A static pass over a type-checked condition: refuses a field its variable does not have ({@code
 * request.acton}) or a budget or quota the policy does not have ({@code usage.budget.nope}), when
 * named literally ({@code .field} or {@code ["field"]}), and records what the condition reads so
 * that evaluation prepares only that: the variables, and the budgets and quotas under {@code
 * usage}.
 */
final class ConditionScan {

  static final String REQUEST = "request";
  static final String AGENT = "agent";
  static final String TENANT = "tenant";
  static final String NOW = "now";
  static final String USAGE = "usage";

  /** A closed set of field names; {@code null} children are open (any key, like params). */
  private record Shape(Map<String, @Nullable Shape> fields) {}

  private static final Shape STRING = new Shape(Map.of());
  private static final Shape ROOTS =
      new Shape(
          ordered(
              REQUEST,
              new Shape(
                  ordered(
                      "action",
                      STRING,
                      "resource",
                      STRING,
                      "params",
                      null,
                      "amount",
                      new Shape(ordered("value", STRING, "currency", STRING)),
                      "labels",
                      null,
                      "classification",
                      STRING)),
              AGENT,
              new Shape(ordered("id", STRING, "tenant", STRING, "labels", null)),
              TENANT,
              new Shape(ordered("id", STRING))));

  private static final Set<String> VARIABLES = Set.of(REQUEST, AGENT, TENANT, NOW, USAGE);

  private final CelAbstractSyntaxTree ast;
  private final String source;
  private final Map<String, BudgetRule> budgets = new LinkedHashMap<>();
  private final Map<String, BudgetRule> quotas = new LinkedHashMap<>();
  private final Set<String> variables = new HashSet<>();
  private final Set<BudgetRule> read = new HashSet<>();

  private ConditionScan(CelAbstractSyntaxTree ast, String source, List<BudgetRule> all) {
    this.ast = ast;
    this.source = source;
    for (BudgetRule b : all) {
      (b.isQuota() ? quotas : budgets).put(b.id(), b);
    }
  }

  /**
   * Scans {@code ast}, compiled from {@code source}.
   *
   * @param all the policy's budgets and quotas
   * @throws CelConditions.Invalid naming the unknown field or id and the column where it is
   */
  static ConditionScan scan(CelAbstractSyntaxTree ast, String source, List<BudgetRule> all)
      throws CelConditions.Invalid {
    ConditionScan scan = new ConditionScan(ast, source, all);
    scan.visit(ast.getExpr(), Set.of());
    return scan;
  }

  /** The variables the condition reads; empty for a condition with the same value every time. */
  Set<String> variables() {
    return variables;
  }

  /** The budgets and quotas whose usage the condition may read, in document order. */
  List<BudgetRule> usage() {
    List<BudgetRule> used = new ArrayList<>();
    for (BudgetRule b : budgets.values()) {
      if (read.contains(b)) {
        used.add(b);
      }
    }
    for (BudgetRule q : quotas.values()) {
      if (read.contains(q)) {
        used.add(q);
      }
    }
    return used;
  }

  private void visit(CelExpr e, Set<String> bound) throws CelConditions.Invalid {
    if (path(e, bound)) {
      return;
    }
    switch (e.getKind()) {
      case SELECT -> visit(e.select().operand(), bound);
      case CALL -> {
        if (e.call().target().isPresent()) {
          visit(e.call().target().get(), bound);
        }
        for (CelExpr arg : e.call().args()) {
          visit(arg, bound);
        }
      }
      case LIST -> {
        for (CelExpr element : e.list().elements()) {
          visit(element, bound);
        }
      }
      case MAP -> {
        for (CelExpr.CelMap.Entry entry : e.map().entries()) {
          visit(entry.key(), bound);
          visit(entry.value(), bound);
        }
      }
      case STRUCT -> {
        for (CelExpr.CelStruct.Entry entry : e.struct().entries()) {
          visit(entry.value(), bound);
        }
      }
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = e.comprehension();
        visit(c.iterRange(), bound);
        visit(c.accuInit(), bound);
        Set<String> inner = new HashSet<>(bound);
        inner.add(c.iterVar());
        if (!c.iterVar2().isEmpty()) {
          inner.add(c.iterVar2());
        }
        inner.add(c.accuVar());
        visit(c.loopCondition(), inner);
        visit(c.loopStep(), inner);
        Set<String> result = new HashSet<>(bound);
        result.add(c.accuVar());
        visit(c.result(), result);
      }
      default -> {
        // Constants read nothing; identifiers not caught by path() are comprehension variables.
      }
    }
  }

  /**
   * If {@code e} is a variable followed by literal field selections ({@code .f} or {@code ["f"]}),
   * checks and records that path and returns true; otherwise returns false.
   */
  private boolean path(CelExpr e, Set<String> bound) throws CelConditions.Invalid {
    List<String> fields = new ArrayList<>();
    List<Integer> columns = new ArrayList<>();
    CelExpr at = e;
    while (true) {
      if (at.getKind() == CelExpr.ExprKind.Kind.SELECT) {
        fields.add(0, at.select().field());
        columns.add(0, fieldOffset(at.id(), at.select().field()));
        at = at.select().operand();
      } else if (isLiteralIndex(at)) {
        CelExpr key = at.call().args().get(1);
        fields.add(0, key.constant().stringValue());
        columns.add(0, offset(key.id()));
        at = at.call().args().get(0);
      } else {
        break;
      }
    }
    if (at.getKind() != CelExpr.ExprKind.Kind.IDENT) {
      return false;
    }
    String root = at.ident().name();
    if (!VARIABLES.contains(root) || bound.contains(root)) {
      return false;
    }
    variables.add(root);
    if (root.equals(USAGE)) {
      usage(fields, columns);
    } else if (!root.equals(NOW)) {
      check(root, ROOTS.fields().get(root), fields, columns);
    }
    return true;
  }

  private static boolean isLiteralIndex(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.CALL
        && e.call().function().equals("_[_]")
        && e.call().args().size() == 2
        && e.call().args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
        && e.call().args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE;
  }

  private void check(String root, @Nullable Shape shape, List<String> fields, List<Integer> columns)
      throws CelConditions.Invalid {
    String name = root;
    for (int i = 0; i < fields.size() && shape != null; i++) {
      String field = fields.get(i);
      if (shape.fields().isEmpty()) {
        throw invalid(columns.get(i), name + " is a string and has no field " + field);
      }
      if (!shape.fields().containsKey(field)) {
        throw invalid(
            columns.get(i),
            "unknown field "
                + field
                + " on "
                + name
                + "; known: "
                + String.join(", ", shape.fields().keySet()));
      }
      shape = shape.fields().get(field);
      name = name + "." + field;
    }
  }

  private void usage(List<String> fields, List<Integer> columns) throws CelConditions.Invalid {
    if (fields.isEmpty()) {
      read.addAll(budgets.values());
      read.addAll(quotas.values());
      return;
    }
    String kind = fields.get(0);
    Map<String, BudgetRule> ids =
        switch (kind) {
          case "budget" -> budgets;
          case "count" -> quotas;
          default ->
              throw invalid(
                  columns.get(0), "unknown field " + kind + " on usage; known: budget, count");
        };
    if (fields.size() == 1) {
      read.addAll(ids.values()); // the whole map: every id may be read
      return;
    }
    BudgetRule named = ids.get(fields.get(1));
    if (named == null) {
      String what = kind.equals("budget") ? "budget" : "quota";
      throw invalid(
          columns.get(1),
          "unknown "
              + what
              + " "
              + fields.get(1)
              + " in usage."
              + kind
              + (ids.isEmpty()
                  ? "; the policy has no " + what + "s"
                  : "; known: " + String.join(", ", new TreeSet<>(ids.keySet()))));
    }
    read.add(named);
  }

  /**
   * The 0-based code point offset in the source where the node {@code id} starts; -1 if unknown.
   */
  private int offset(long id) {
    Integer offset = ast.getSource().getPositionsMap().get(id);
    return offset == null ? -1 : offset;
  }

  /**
   * The offset of {@code field}'s name in a selection: the first occurrence at or after the node's
   * position, which is its '.' in plain text and earlier inside a macro such as {@code has()}.
   */
  private int fieldOffset(long id, String field) {
    int offset = offset(id);
    if (offset < 0 || offset > source.codePointCount(0, source.length())) {
      return offset;
    }
    Matcher m =
        Pattern.compile("\\.\\s*" + Pattern.quote(field) + "(?![A-Za-z0-9_])").matcher(source);
    if (!m.find(source.offsetByCodePoints(0, offset))) {
      return offset;
    }
    return source.codePointCount(0, m.end() - field.length());
  }

  private CelConditions.Invalid invalid(int offset, String message) {
    CelSourceLocation at =
        offset < 0
            ? CelSourceLocation.of(1, 0)
            : ast.getSource().getOffsetLocation(offset).orElse(CelSourceLocation.of(1, 0));
    return new CelConditions.Invalid(Math.max(1, at.getLine()), at.getColumn() + 1, message);
  }

  /** An insertion-ordered map from alternating keys and values (which may be null). */
  private static Map<String, @Nullable Shape> ordered(@Nullable Object... pairs) {
    Map<String, @Nullable Shape> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Shape) pairs[i + 1]);
    }
    return map;
  }
}
