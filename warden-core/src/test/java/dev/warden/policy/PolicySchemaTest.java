package dev.warden.policy;

import static dev.warden.policy.Refusals.schema;

import dev.warden.policy.Refusals.Case;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each schema rule, broken once: the exact message names the line, the field and the problem. */
class PolicySchemaTest {

  /** A rule that is fine, to put the broken part of a case in context. */
  private static final String OK_RULE = "  - {id: ok, effect: allow, match: {action: x}}\n";

  static Stream<Case> refusals() {
    return Stream.of(
        schema(
            "missing-version",
            "rules: []\n",
            "",
            1,
            "line 1, the document: version is required; write version: 1"),
        schema(
            "version-2",
            "version: 2\nrules: []\n",
            "/version",
            1,
            "line 1, /version: version must be the number 1, got 2"),
        schema(
            "version-string",
            "version: '1'\nrules: []\n",
            "/version",
            1,
            "line 1, /version: version must be the number 1, got \"1\""),
        schema(
            "version-decimal",
            "version: 1.0\nrules: []\n",
            "/version",
            1,
            "line 1, /version: version must be the number 1, got 1.0"),
        schema(
            "default-allow",
            "version: 1\ndefault: allow\nrules: []\n",
            "/default",
            2,
            "line 2, /default: default: allow is refused: a request that no rule matches is"
                + " never allowed (fail closed); write a rule with action \"*\" and effect allow"
                + " to allow everything on purpose"),
        schema(
            "default-unknown",
            "version: 1\ndefault: permit\nrules: []\n",
            "/default",
            2,
            "line 2, /default: default must be deny or escalate, got \"permit\""),
        schema(
            "rules-missing",
            "version: 1\n",
            "",
            1,
            "line 1, the document: rules is required (a list, which may be empty)"),
        schema(
            "rules-mapping",
            "version: 1\nrules: {}\n",
            "/rules",
            2,
            "line 2, /rules: rules must be a list, got a mapping"),
        schema(
            "unknown-top-field",
            "version: 1\nrules: []\nrulez: []\n",
            "/rulez",
            3,
            "line 3, /rulez: unknown field \"rulez\"; allowed: budgets, default, limits,"
                + " quotas, rules, timezone, version"),
        schema(
            "document-list",
            "- version: 1\n",
            "",
            1,
            "line 1, the document: the policy must be a mapping, got a list"),
        schema(
            "rule-string",
            "version: 1\nrules:\n  - allow\n",
            "/rules/0",
            3,
            "line 3, /rules/0: a rule must be a mapping, got the string \"allow\""),
        schema(
            "id-missing",
            "version: 1\nrules:\n  - {effect: allow, match: {action: x}}\n",
            "/rules/0",
            3,
            "line 3, /rules/0: id is required"),
        schema(
            "id-uppercase",
            "version: 1\nrules:\n  - {id: Allow_All, effect: allow, match: {action: x}}\n",
            "/rules/0/id",
            3,
            "line 3, /rules/0/id: rule id \"Allow_All\" must be 1 to 64 of a-z, 0-9, '.', '_',"
                + " '-', starting with a letter or digit"),
        schema(
            "id-empty",
            "version: 1\nrules:\n  - {id: '', effect: allow, match: {action: x}}\n",
            "/rules/0/id",
            3,
            "line 3, /rules/0/id: rule id \"\" must be 1 to 64 of a-z, 0-9, '.', '_', '-',"
                + " starting with a letter or digit"),
        schema(
            "id-too-long",
            "version: 1\nrules:\n  - {id: "
                + "a".repeat(65)
                + ", effect: allow, match: {action: x}}\n",
            "/rules/0/id",
            3,
            "line 3, /rules/0/id: rule id \""
                + "a".repeat(65)
                + "\" must be 1 to 64 of a-z, 0-9,"
                + " '.', '_', '-', starting with a letter or digit"),
        schema(
            "id-number",
            "version: 1\nrules:\n  - {id: 7, effect: allow, match: {action: x}}\n",
            "/rules/0/id",
            3,
            "line 3, /rules/0/id: must be a string, got the number 7"),
        schema(
            "id-default",
            "version: 1\nrules:\n  - {id: default, effect: allow, match: {action: x}}\n",
            "/rules/0/id",
            3,
            "line 3, /rules/0/id: rule id \"default\" is reserved for decisions no rule matched"),
        schema(
            "id-duplicate",
            "version: 1\nrules:\n" + OK_RULE + OK_RULE,
            "/rules/1/id",
            4,
            "line 4, /rules/1/id (rule ok): duplicate rule id; first used at line 3, /rules/0"),
        schema(
            "effect-missing",
            "version: 1\nrules:\n  - {id: r, match: {action: x}}\n",
            "/rules/0",
            3,
            "line 3, /rules/0 (rule r): effect is required (allow, deny or escalate)"),
        schema(
            "effect-unknown",
            "version: 1\nrules:\n  - id: r\n    effect: permit\n    match: {action: x}\n",
            "/rules/0/effect",
            4,
            "line 4, /rules/0/effect (rule r): effect must be allow, deny or escalate, got"
                + " \"permit\""),
        schema(
            "effect-uppercase",
            "version: 1\nrules:\n  - {id: r, effect: ALLOW, match: {action: x}}\n",
            "/rules/0/effect",
            3,
            "line 3, /rules/0/effect (rule r): effect must be allow, deny or escalate, got"
                + " \"ALLOW\""),
        schema(
            "match-missing",
            "version: 1\nrules:\n  - {id: r, effect: allow}\n",
            "/rules/0",
            3,
            "line 3, /rules/0 (rule r): match is required"),
        schema(
            "match-string",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: x}\n",
            "/rules/0/match",
            3,
            "line 3, /rules/0/match (rule r): match must be a mapping, got the string \"x\""),
        schema(
            "action-missing",
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {resource: x}\n",
            "/rules/0/match",
            5,
            "line 5, /rules/0/match (rule r): match.action is required (a glob or a list of"
                + " globs)"),
        schema(
            "action-number",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: 5}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action (rule r): must be a glob or a list of globs, got the"
                + " number 5"),
        schema(
            "action-empty-list",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: []}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action (rule r): an empty list matches nothing; leave the"
                + " field out to match anything"),
        schema(
            "action-list-of-numbers",
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match:\n      action:\n"
                + "        - a\n        - 3\n",
            "/rules/0/match/action/1",
            8,
            "line 8, /rules/0/match/action/1 (rule r): must be a string, got the number 3"),
        schema(
            "action-bad-glob",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: \"pay[ab]\"}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action (rule r): glob \"pay[ab]\" has '[', which is not"
                + " supported: only * and ? are wildcards"),
        schema(
            "action-empty-glob",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: ''}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action (rule r): a glob must not be empty; use \"*\" to match"
                + " anything"),
        schema(
            "resource-bad-glob",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, resource: [a, 'b**']}}\n",
            "/rules/0/match/resource/1",
            3,
            "line 3, /rules/0/match/resource/1 (rule r): glob \"b**\" has \"**\"; a single *"
                + " already matches across '/' and '.'"),
        schema(
            "agents-string",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, agents: agent-1}}\n",
            "/rules/0/match/agents",
            3,
            "line 3, /rules/0/match/agents (rule r): must be a list of globs, got the string"
                + " \"agent-1\""),
        schema(
            "tenants-empty",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, tenants: []}}\n",
            "/rules/0/match/tenants",
            3,
            "line 3, /rules/0/match/tenants (rule r): an empty list matches nothing; leave the"
                + " field out to match anything"),
        schema(
            "labels-list",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, labels: [env]}}\n",
            "/rules/0/match/labels",
            3,
            "line 3, /rules/0/match/labels (rule r): labels must be a mapping of label name to"
                + " glob, got a list"),
        schema(
            "label-number",
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match:\n      action: x\n"
                + "      labels:\n        tier: 3\n",
            "/rules/0/match/labels/tier",
            8,
            "line 8, /rules/0/match/labels/tier (rule r): must be a string, got the number 3"),
        schema(
            "match-unknown-field",
            "version: 1\nrules:\n  - {id: r, effect: allow, match: {action: x, actor: y}}\n",
            "/rules/0/match/actor",
            3,
            "line 3, /rules/0/match/actor (rule r): unknown field \"actor\"; allowed: action,"
                + " agents, labels, resource, tenants"),
        schema(
            "rule-unknown-field",
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {action: x}\n"
                + "    priority: 1\n",
            "/rules/0/priority",
            6,
            "line 6, /rules/0/priority: unknown field \"priority\"; allowed: approvers, effect,"
                + " id, match, min_approvals, reason, ttl, when"),
        schema(
            "approvers-on-allow",
            "version: 1\nrules:\n  - id: r\n    effect: allow\n    match: {action: x}\n"
                + "    approvers: [ops]\n",
            "/rules/0/approvers",
            6,
            "line 6, /rules/0/approvers (rule r): approvers is only allowed on escalate rules;"
                + " this rule's effect is allow"),
        schema(
            "ttl-on-deny",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, ttl: 1h}\n",
            "/rules/0/ttl",
            3,
            "line 3, /rules/0/ttl (rule r): ttl is only allowed on escalate rules; this rule's"
                + " effect is deny"),
        schema(
            "approvers-empty",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, approvers: []}\n",
            "/rules/0/approvers",
            3,
            "line 3, /rules/0/approvers (rule r): approvers must be a non-empty list of groups or"
                + " subjects"),
        schema(
            "approvers-twice",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, approvers: [a, a]}\n",
            "/rules/0/approvers/1",
            3,
            "line 3, /rules/0/approvers/1 (rule r): approver \"a\" is blank or listed twice"),
        schema(
            "min-approvals-zero",
            "version: 1\nrules:\n  - id: r\n    effect: escalate\n    match: {action: x}\n"
                + "    min_approvals: 0\n",
            "/rules/0/min_approvals",
            6,
            "line 6, /rules/0/min_approvals (rule r): min_approvals must be a whole number from 1"
                + " to 100, got 0"),
        schema(
            "min-approvals-string",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, min_approvals: '2'}\n",
            "/rules/0/min_approvals",
            3,
            "line 3, /rules/0/min_approvals (rule r): min_approvals must be a whole number from 1"
                + " to 100, got \"2\""),
        schema(
            "min-approvals-fraction",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, min_approvals: 1.5}\n",
            "/rules/0/min_approvals",
            3,
            "line 3, /rules/0/min_approvals (rule r): min_approvals must be a whole number from 1"
                + " to 100, got 1.5"),
        schema(
            "ttl-words",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, ttl: 15 minutes}\n",
            "/rules/0/ttl",
            3,
            "line 3, /rules/0/ttl (rule r): ttl must be a whole number and a unit s, m, h or d,"
                + " like 30s, 15m or 1h; got \"15 minutes\""),
        schema(
            "ttl-zero",
            "version: 1\nrules:\n  - {id: r, effect: escalate, match: {action: x}, ttl: 0m}\n",
            "/rules/0/ttl",
            3,
            "line 3, /rules/0/ttl (rule r): ttl must be a whole number and a unit s, m, h or d,"
                + " like 30s, 15m or 1h; got \"0m\""),
        schema(
            "reason-blank",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, reason: ' '}\n",
            "/rules/0/reason",
            3,
            "line 3, /rules/0/reason (rule r): reason must not be blank; leave it out instead"),
        schema(
            "reason-list",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, reason: [a]}\n",
            "/rules/0/reason",
            3,
            "line 3, /rules/0/reason (rule r): must be a string, got a list"),
        schema(
            "value-missing",
            "version: 1\nrules:\n  - id: r\n    effect: deny\n    match: {action: x}\n    reason:\n",
            "/rules/0/reason",
            6,
            "line 6, /rules/0/reason: the value is missing; write null or \"\""),
        schema(
            "reason-null",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, reason: null}\n",
            "/rules/0/reason",
            3,
            "line 3, /rules/0/reason (rule r): must be a string, got null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void load_documentBreakingSchema_throwsNamingLineFieldAndProblem(Case c) {
    Refusals.assertRefusedAsDescribed(c);
  }
}
