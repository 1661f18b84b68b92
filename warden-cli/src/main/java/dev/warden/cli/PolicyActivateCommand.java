package dev.warden.cli;

import dev.warden.policy.PolicyCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden policy activate FILE}: check a policy here, then make the server use it. */
@Command(
    name = "activate",
    mixinStandardHelpOptions = true,
    description = {
      "Activate a policy on the running server. The file is checked here first (as 'warden"
          + " policy check' does; errors stop it, warnings are shown); the server checks it"
          + " again, logs its activation with the full text, rewrites its policy file, and"
          + " decides with it from then on. A policy that fails is refused and the active one"
          + " stays.",
      "",
      "To reload after editing the server's policy file, activate that file.",
      "",
      "Example: warden policy activate policy.yaml --data-dir ./.warden",
      "Exit 0 activated (or already active), 1 refused, 2 usage or I/O error."
    })
final class PolicyActivateCommand extends ServerOptions implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The policy file (YAML or JSON).")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String text = PolicyCommand.read(file, "policy");
      if (PolicyCommand.print(err, file, PolicyCheck.check(text), false)) {
        err.println("warden: not activated; the active policy stays");
        return 1;
      }
      AdminClient.Reply r = client().putText("/v1/admin/policy", text);
      if (!r.ok()) {
        err.println("warden: not activated: " + r.problem());
        return r.status() == 422 ? 1 : 2;
      }
      String hash = r.body().path("hash").asText();
      out.println(
          r.body().path("activated").asBoolean()
              ? "activated " + hash + " (its activation is in the log)"
              : "unchanged: " + hash + " is already the active policy");
      return 0;
    } catch (PolicyCommand.Stop e) {
      err.println("warden: " + e.getMessage());
      return e.exit;
    } catch (IOException e) {
      err.println("warden: " + e.getMessage());
      return 2;
    }
  }
}
