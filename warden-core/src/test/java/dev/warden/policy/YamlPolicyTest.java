package dev.warden.policy;

import static dev.warden.policy.Refusals.refusal;
import static dev.warden.policy.Refusals.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.policy.PolicyException.Reason;
import dev.warden.policy.Refusals.Case;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** YAML that has no plain JSON meaning is refused; YAML that has one reads as that JSON. */
class YamlPolicyTest {

  static Stream<Case> refusals() {
    return Stream.of(
        yaml(
            "anchor",
            "version: 1\nrules:\n  - &r {id: r, effect: deny, match: {action: x}}\n",
            "/rules/0",
            3,
            "line 3, /rules/0: YAML anchors (&) are not supported"),
        yaml(
            "scalar-anchor",
            "version: 1\nrules: &v 1\n",
            "/rules",
            2,
            "line 2, /rules: YAML anchors (&) are not supported"),
        yaml(
            "alias-use",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: *x}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action: YAML aliases (*) are not supported"),
        yaml(
            "tag",
            "version: !!int 1\nrules: []\n",
            "/version",
            1,
            "line 1, /version: YAML tags (tag:yaml.org,2002:int) are not supported"),
        yaml(
            "merge-key",
            "version: 1\nrules:\n  - id: r\n    <<: {effect: deny}\n    match: {action: x}\n",
            "/rules/0/<<",
            4,
            "line 4, /rules/0/<<: YAML merge keys (<<) are not supported"),
        yaml(
            "two-documents",
            "version: 1\nrules: []\n---\nversion: 1\n",
            "",
            4,
            "line 4, the document: only one YAML document is allowed; remove the second one"),
        yaml(
            "date",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, reason: 2026-11-21}\n",
            "/rules/0/reason",
            3,
            "line 3, /rules/0/reason: the unquoted value 2026-11-21 is not a string in every YAML"
                + " version (a date, boolean or number); quote it if you mean the string"),
        yaml(
            "yes",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x, labels: {prod: yes}}}\n",
            "/rules/0/match/labels/prod",
            3,
            "line 3, /rules/0/match/labels/prod: write true (or quote the value for a string):"
                + " not every YAML parser reads \"yes\" as true"),
        yaml(
            "norway",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x, labels: {country: NO}}}\n",
            "/rules/0/match/labels/country",
            3,
            "line 3, /rules/0/match/labels/country: write false (or quote the value for a"
                + " string): not every YAML parser reads \"NO\" as false"),
        yaml(
            "hex",
            "version: 0x1\nrules: []\n",
            "/version",
            1,
            "line 1, /version: the number 0x1 is not written as in JSON; write it in plain"
                + " decimal, or quote it for a string"),
        yaml(
            "octal",
            "version: 01\nrules: []\n",
            "/version",
            1,
            "line 1, /version: the number 01 is not written as in JSON; write it in plain"
                + " decimal, or quote it for a string"),
        yaml(
            "underscore",
            "version: 1_0\nrules: []\n",
            "/version",
            1,
            "line 1, /version: the number 1_0 is not written as in JSON; write it in plain"
                + " decimal, or quote it for a string"),
        yaml(
            "infinity",
            "version: .inf\nrules: []\n",
            "/version",
            1,
            "line 1, /version: the number .inf is not written as in JSON; write it in plain"
                + " decimal, or quote it for a string"),
        yaml(
            "sexagesimal",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: 1:20}}\n",
            "/rules/0/match/action",
            3,
            "line 3, /rules/0/match/action: the unquoted value 1:20 is not a string in every YAML"
                + " version (a date, boolean or number); quote it if you mean the string"),
        yaml(
            "tilde-null",
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: x}, reason: ~}\n",
            "/rules/0/reason",
            3,
            "line 3, /rules/0/reason: write null (or quote the value for a string): not every YAML"
                + " parser reads \"~\" as null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void load_yamlWithoutPlainJsonMeaning_throwsNamingLineAndField(Case c) {
    Refusals.assertRefusedAsDescribed(c);
  }

  @Test
  void load_yamlSyntaxError_namesLineWithoutSourceDump() {
    PolicyException e = refusal("version: 1\nrules:\n  - {id: r, effect: [\n");

    assertThat(e.reason()).isEqualTo(Reason.SYNTAX);
    assertThat(e.line()).isPresent();
    assertThat(e.getMessage()).startsWith("line ").contains("not valid YAML").doesNotContain("^");
  }

  @Test
  void load_yamlDuplicateKey_refused() {
    PolicyException e = refusal("version: 1\nrules: []\nrules: []\n");

    assertThat(e.getMessage()).contains("line 3").contains("rules");
  }

  @Test
  void load_emptyDocument_refused() {
    assertThat(refusal("").getMessage()).isEqualTo("the policy document is empty");
    assertThat(refusal("# only a comment\n").reason()).isEqualTo(Reason.SYNTAX);
  }

  @Test
  void load_quotedScalarsAfterSupplementaryCharacters_areStillSeenAsQuoted()
      throws PolicyException {
    // SnakeYAML counts code points; the loader must find the quote after each emoji correctly.
    RulePolicy policy =
        PolicyLoader.load(
            """
            version: 1
            rules:
              - id: r
                effect: deny
                match: {action: "😀😀", labels: {since: '2026-11-21', ok: "yes"}}
                reason: "😀 then 😀"
              - {id: s, effect: deny, match: {action: '😀', resource: "1:20"}}
            """);

    assertThat(policy.rules()).hasSize(2);
    assertThat(policy.rule("r").orElseThrow().match().labels().get("since").pattern())
        .isEqualTo("2026-11-21");
    PolicyException plain =
        refusal(
            "version: 1\nrules:\n  - {id: r, effect: deny, match: {action: '😀😀😀',"
                + " resource: 2026-11-21}}\n");
    assertThat(plain.reason()).isEqualTo(Reason.UNSUPPORTED_YAML);
    assertThat(plain.pointer()).isEqualTo("/rules/0/match/resource");
  }

  @Test
  void load_blockScalars_areStrings() throws PolicyException {
    RulePolicy policy =
        PolicyLoader.load(
            "version: 1\nrules:\n  - id: r\n    effect: deny\n    match: {action: x}\n"
                + "    reason: |\n      2026-11-21\n");

    assertThat(policy.rules().get(0).reason()).isEqualTo("2026-11-21\n");
  }
}
