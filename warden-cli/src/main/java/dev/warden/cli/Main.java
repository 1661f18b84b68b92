package dev.warden.cli;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
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
      KeysCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnInvalidInput = 2,
    exitCodeOnExecutionException = 2)
public final class Main {
  private final Function<String, @Nullable String> env;

  private Main(Function<String, @Nullable String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code. */
  public static int run(String... args) {
    return run(System::getenv, args);
  }

  /**
   * Runs the CLI with {@code env} as its environment (tests give the key passphrase this way) and
   * returns its exit code.
   */
  public static int run(Function<String, @Nullable String> env, String... args) {
    CommandLine cl = new CommandLine(new Main(env));
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr()
              .println("warden: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return 2;
        });
    return cl.execute(args);
  }

  /** The environment of the command {@code spec} runs in. */
  static Function<String, @Nullable String> env(CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).env;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"warden " + (v == null ? "development build" : v)};
    }
  }
}
