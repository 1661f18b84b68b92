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
 * the data directory's admin token).
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
      "Exit 0 done, 1 refused by the server, 2 usage or I/O error."
    },
    subcommands = {
      ApprovalsCommand.ListApprovals.class,
      ApprovalsCommand.Show.class,
      ApprovalsCommand.Approve.class,
      ApprovalsCommand.Reject.class,
      ApprovalsCommand.Reevaluate.class
    })
final class ApprovalsCommand {
  private ApprovalsCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List approvals, oldest first (pending unless --status says otherwise).")
  static final class ListApprovals extends ServerOptions implements Callable<Integer> {
    @Option(
        names = "--status",
        defaultValue = "pending",
        description = "pending, approved, rejected or expired (default: ${DEFAULT-VALUE}).")
    String status;

    @Override
    public Integer call() throws Exception {
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
