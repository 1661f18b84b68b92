package dev.warden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code warden}: one launcher for the server and the tools. Exit codes: 0 success, 1 a check
 * failed or the request was refused, 2 usage or I/O error.
 */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "The gateway between AI agents and the actions they take.",
      "",
      "Warden authenticates each signed request (RFC 9421), refuses stale and replayed ones,"
          + " decides by policy, and writes every decision to a tamper-evident log before"
          + " anything happens.",
      "",
      "Start with:  warden demo                  (a self-contained tour)",
      "        or:  warden init --data-dir DIR && warden serve --data-dir DIR"
    },
    subcommands = {
      InitCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      AgentCommand.class,
      TokenCommand.class,
      SendCommand.class,
      CanonicalizeCommand.class,
      VerifyCommand.class,
      ProofCommand.class,
      AuditCommand.class,
      PolicyCommand.class,
      ApprovalsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnInvalidInput = 2,
    exitCodeOnExecutionException = 2)
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(Main.class);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr()
              .println("warden: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return 2;
        });
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"warden " + (v == null ? "development build" : v)};
    }
  }
}
