package dev.warden.cli;

import picocli.CommandLine.Command;

/** {@code warden audit verify|export|import}: check a log, and move it between directories. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a data directory's log from what is stored, and export or import it.",
      "",
      "Every decision is an entry in a Merkle-tree log (RFC 6962) with signed checkpoints"
          + " (C2SP). 'verify' recomputes the tree and checks every checkpoint, and if anything"
          + " was changed, names the first damaged index and what happened there. 'export' writes"
          + " the log to a file; 'import' verifies such a file completely before it writes"
          + " anything.",
      "",
      "These commands open the database directly: stop the server first."
    },
    subcommands = {AuditVerifyCommand.class, AuditExportCommand.class, AuditImportCommand.class})
final class AuditCommand {
  private AuditCommand() {}
}
