package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden approvals list|show|approve|reject|reevaluate}: the approval workflow (SPEC §8)
 * from the command line, with a token holding the {@code approver} scope ({@code $WARDEN_TOKEN}, or
 * the data directory's admin token); and what needs an operator's attention — executions whose
 * outcome is unknown after a crash ({@code list --attention}, {@code resolve}, admin token).
 */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = {
      "List, show, approve, reject or re-evaluate escalated requests (needs a token with the"
          + " approver scope: $WARDEN_TOKEN, or the data directory's admin token).",
      "",
      "Examples:",
      "  warden approvals list",
      "  warden approvals show 01JF3Q7M2X5A9K8V6T4R3N2P1B",
      "  WARDEN_TOKEN=wdn_... warden approvals approve 01JF3Q7M2X5A9K8V6T4R3N2P1B --reason ok",
      "  warden approvals reject 01JF3Q7M2X5A9K8V6T4R3N2P1B --reason 'not during the freeze'",
      "  warden approvals list --attention",
      "  warden approvals resolve 01JF3Q7M2X5A9K8V6T4R3N2P1B --outcome failed \\",
      "      --reason 'no such transfer at the bank'",
      "Exit 0 done, 1 refused by the server, 2 usage or I/O error."
    },
    subcommands = {
      ApprovalsCommand.ListApprovals.class,
      ApprovalsCommand.Show.class,
      ApprovalsCommand.Approve.class,
      ApprovalsCommand.Reject.class,
      ApprovalsCommand.Reevaluate.class,
      ApprovalsCommand.Resolve.class
    })
final class ApprovalsCommand {
  private ApprovalsCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List approvals, oldest first (pending unless --status says otherwise).",
        "With --attention: the executions whose outcome is unknown (Warden stopped while their"
            + " action ran); check each at the upstream and settle it with resolve (admin token)."
      })
  static final class ListApprovals extends ServerOptions implements Callable<Integer> {
    @Option(
        names = "--status",
        defaultValue = "pending",
        description = "pending, approved, rejected or expired (default: ${DEFAULT-VALUE}).")
    String status;

    @Option(
        names = "--attention",
        description = "List executions in outcome_unknown instead of approvals.")
    boolean attention;

    @Override
    public Integer call() throws Exception {
      if (attention) {
        return listUnknown();
      }
      AdminClient.Reply r = client().call("GET", "/v1/approvals?status=" + status, null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.printf(
          "%-28s %-10s %-20s %-24s %-10s %s%n",
          "DECISION", "STATE", "AGENT", "ACTION", "APPROVALS", "EXPIRES");
      for (JsonNode a : r.body().path("approvals")) {
        System.out.printf(
            "%-28s %-10s %-20s %-24s %-10s %s%n",
            a.path("decision_id").asText(),
            a.path("state").asText(),
            a.path("agent").asText(),
            a.path("action").asText(),
            a.path("approved_by").size() + "/" + a.path("min_approvals").asInt(),
            a.path("expires_at").asText());
      }
      return 0;
    }

    private int listUnknown() throws Exception {
      AdminClient.Reply r = client().call("GET", "/v1/executions?state=outcome_unknown", null);
      if (!r.ok()) {
        System.err.println("warden: " + r.problem());
        return 1;
      }
      System.out.printf(
          "%-28s %-16s %-20s %-16s %s%n", "DECISION", "STATE", "AGENT", "ADAPTER", "RECORDED");
      for (JsonNode x : r.body().path("executions")) {
        System.out.printf(
            "%-28s %-16s %-20s %-16s %s%n",
            x.path("decision_id").asText(),
            x.path("state").asText(),
            x.path("agent").asText(),
            x.path("adapter").asText(),
            x.path("finished_at").asText());
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one approval with the exact request it is about, as JSON.")
  static final class Show extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "DECISION-ID")
    String id;

    @Override
    public Integer call() throws Exception {
      return print(client().call("GET", "/v1/approvals/" + id, null));
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Approve a request. With enough distinct approvers it is approved (its budgets are"
              + " reserved then); the step is logged with your token's subject.")
  static final class Approve extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "DECISION-ID")
    String id;

    @Option(names = "--reason", description = "Why (logged).")
    String reason;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = AdminClient.JSON.createObjectNode();
      if (reason != null) {
        body.put("reason", reason);
      }
      return print(client().call("POST", "/v1/approvals/" + id + "/approve", body));
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject a request: it is denied. The reason is required and logged.")
  static final class Reject extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "DECISION-ID")
    String id;

    @Option(names = "--reason", required = true, description = "Why (logged).")
    String reason;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = AdminClient.JSON.createObjectNode().put("reason", reason);
      return print(client().call("POST", "/v1/approvals/" + id + "/reject", body));
    }
  }

  @Command(
      name = "reevaluate",
      mixinStandardHelpOptions = true,
      description =
          "Decide a pending request again under the active policy, after approval.policy_changed:"
              + " an allow approves it, a deny rejects it, an escalation rebinds it to the new"
              + " policy with no approvals counted yet.")
  static final class Reevaluate extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "DECISION-ID")
    String id;

    @Override
    public Integer call() throws Exception {
      return print(client().call("POST", "/v1/approvals/" + id + "/reevaluate", null));
    }
  }

  /** What an operator found at the upstream. */
  enum Outcome {
    succeeded,
    failed
  }

  @Command(
      name = "resolve",
      mixinStandardHelpOptions = true,
      description =
          "Resolve an execution whose outcome is unknown, after checking the upstream: succeeded"
              + " spends its budget, failed releases it. Logged with your token's subject and the"
              + " reason (admin token).")
  static final class Resolve extends ServerOptions implements Callable<Integer> {
    @Parameters(paramLabel = "DECISION-ID")
    String id;

    @Option(
        names = "--outcome",
        required = true,
        description = "succeeded or failed: what the upstream shows.")
    Outcome outcome;

    @Option(names = "--reason", required = true, description = "What was checked (logged).")
    String reason;

    @Override
    public Integer call() throws Exception {
      ObjectNode body =
          AdminClient.JSON.createObjectNode().put("outcome", outcome.name()).put("reason", reason);
      return print(client().call("POST", "/v1/executions/" + id + "/resolve", body));
    }
  }

  private static int print(AdminClient.Reply r) throws Exception {
    if (!r.ok()) {
      System.err.println("warden: " + r.problem());
      return 1;
    }
    System.out.println(
        AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.body()));
    return 0;
  }
}
