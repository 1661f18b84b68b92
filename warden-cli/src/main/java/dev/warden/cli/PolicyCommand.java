package dev.warden.cli;

import dev.warden.policy.PolicyCases;
import dev.warden.policy.PolicyCheck;
import dev.warden.policy.PolicyException;
import dev.warden.policy.PolicyLoader;
import dev.warden.policy.RulePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden policy check|test|explain}: the policy tools of SPEC §7, all offline on files. Exit
 * codes: 0 ok, 1 a check failed (findings, failed cases), 2 usage or I/O error.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Check a policy file, run expected decisions against it, and explain a decision.",
      "",
      "A policy is YAML (or JSON) with rules of allow, deny or escalate, glob matches and optional"
          + " CEL conditions (when:), plus budgets, quotas and rate limits. Deny overrides"
          + " escalate overrides allow; no match is the default (deny, or escalate).",
      "",
      "Examples:",
      "  warden policy check policy.yaml",
      "  warden policy check --strict policy.yaml        (warnings fail too)",
      "  warden policy test policy.yaml --cases cases.yaml",
      "  warden policy explain --policy policy.yaml --request req.json --agent bot-1 --tenant acme",
      "",
      "Exit 0 ok, 1 a check failed, 2 usage or I/O error."
    },
    subcommands = {
      PolicyCommand.Check.class,
      PolicyCommand.Test.class,
      PolicyExplainCommand.class,
      PolicyActivateCommand.class
    })
final class PolicyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Longest file read, in bytes: room for the longest policy {@link PolicyLoader} accepts. */
  static final long MAX_FILE_BYTES = 4L * PolicyLoader.MAX_TEXT_CHARS;

  /** A problem that ends the command with {@link #exit}, after printing the message. */
  static final class Stop extends Exception {
    final int exit;

    Stop(int exit, String message) {
      super(message);
      this.exit = exit;
    }
  }

  /** The text of {@code file}, which must be UTF-8. */
  static String read(Path file, String what) throws Stop {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new Stop(2, what + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new Stop(2, what + " " + file + " is not UTF-8 text; save it as UTF-8");
    } catch (IOException e) {
      throw new Stop(
          2, "cannot read " + what + " " + file + " (" + e + "); check the path and permissions");
    }
  }

  /**
   * Prints each finding as {@code FILE:LINE: error|warning: message (at /pointer)}.
   *
   * @return whether any finding fails the check: an error, or with {@code strict} any finding
   */
  static boolean print(
      PrintWriter out, Path file, List<PolicyCheck.Finding> findings, boolean strict) {
    boolean failed = false;
    for (PolicyCheck.Finding f : findings) {
      boolean error = f.severity() == PolicyCheck.Severity.ERROR;
      failed |= error || strict;
      out.println(
          at(file, f.line())
              + (error ? "error: " : "warning: ")
              + f.message()
              + (f.pointer().isEmpty() ? "" : " (at " + f.pointer() + ")"));
    }
    return failed;
  }

  /** {@code FILE:LINE: } or {@code FILE: } when the line is unknown. */
  static String at(Path file, int line) {
    return file + (line > 0 ? ":" + line : "") + ": ";
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check a policy file: syntax, unknown fields (with their line and JSON Pointer), CEL"
            + " conditions that do not parse or type-check (with line and column), and rules"
            + " that are shadowed, unreachable or repeated, and budgets no rule can charge.",
        "",
        "Prints FILE:LINE: error|warning: message (at /pointer), one per finding.",
        "Warnings are only what can be proved; a clean result does not prove the policy right.",
        "",
        "Example: warden policy check policy.yaml",
        "Exit 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage or I/O error."
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The policy file (YAML or JSON).")
    Path file;

    @Option(names = "--strict", description = "Fail (exit 1) on warnings too.")
    boolean strict;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        List<PolicyCheck.Finding> findings = PolicyCheck.check(read(file, "policy"));
        boolean failed = print(out, file, findings, strict);
        if (findings.isEmpty()) {
          out.println(file + ": ok");
        }
        return failed ? 1 : 0;
      } catch (Stop e) {
        spec.commandLine().getErr().println("warden: " + e.getMessage());
        return e.exit;
      }
    }
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Run expected decisions (a CASES file) against a policy and print PASS or FAIL per case.",
        "",
        "CASES.yaml:",
        "  cases:",
        "    - name: small payment is allowed",
        "      request: {agent: bot-1, tenant: acme, action: payments.transfer,"
            + " resource: acct/1,",
        "                amount: {value: \"12.00\", currency: EUR}, labels: {env: prod}}",
        "      now: \"2026-03-01T09:30:00Z\"          # optional; default: the current time",
        "      usage: {budget: {spend: \"480.00\"}, count: {mails: 3}}   # optional",
        "      expect: allow                        # allow | deny | escalate",
        "      rules: [allow-small]                 # optional: the deciding rules",
        "",
        "Example: warden policy test policy.yaml --cases cases.yaml",
        "Exit 0 all pass, 1 a case failed or the policy is refused, 2 usage or I/O error."
      })
  static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The policy file (YAML or JSON).")
    Path file;

    @Option(
        names = "--cases",
        required = true,
        paramLabel = "CASES.yaml",
        description = "The expected decisions.")
    Path casesFile;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        String policyText = read(file, "policy");
        PolicyCases cases;
        try {
          cases = PolicyCases.parse(read(casesFile, "cases file"));
        } catch (PolicyException e) {
          throw new Stop(
              2,
              "the cases file "
                  + casesFile
                  + " is not valid: "
                  + e.getMessage()
                  + " (run warden policy test --help for the format)");
        }
        RulePolicy policy;
        try {
          policy = PolicyLoader.load(policyText);
        } catch (PolicyException e) {
          out.println(at(file, e.line().orElse(0)) + "error: " + e.getMessage());
          out.println("FAIL: the policy is refused; run warden policy check " + file);
          return 1;
        }
        int failed = 0;
        List<PolicyCases.Result> results = cases.run(policy, Clock.systemUTC());
        for (PolicyCases.Result r : results) {
          if (r.passed()) {
            out.println("PASS " + r.testCase().name());
          } else {
            failed++;
            out.println(
                "FAIL "
                    + r.testCase().name()
                    + " ("
                    + at(casesFile, r.testCase().line()).replaceAll(": $", "")
                    + "): "
                    + String.join("; ", r.problems()));
          }
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed (" + file + ")");
        return failed > 0 ? 1 : 0;
      } catch (Stop e) {
        err.println("warden: " + e.getMessage());
        return e.exit;
      }
    }
  }
}
