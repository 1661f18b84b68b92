package dev.warden.cli;

import dev.warden.audit.AuditResult;
import dev.warden.audit.ExportSource;
import dev.warden.audit.LogAuditor;
import dev.warden.audit.LogImporter;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.server.DataDir;
import dev.warden.store.StoreException;
import dev.warden.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden audit import --data-dir NEW_DIR --in FILE [--log-key VKEY|FILE ...]}: verifies an
 * export completely, then writes it into the empty log of a new data directory.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Verify an export file ('warden audit export') completely, then write its log into a new"
          + " data directory ('warden init --data-dir NEW_DIR' first), whose log must be empty.",
      "",
      "Nothing is written unless the whole file verifies, with the same checks as 'warden audit"
          + " verify'. The log is then written batch by batch with the original signed"
          + " checkpoints, so the new directory serves the same checkpoints and proofs.",
      "",
      "Keys: without --log-key the new directory's own checkpoint keys (keys/keyring.json) are"
          + " trusted; for a log"
          + " signed by another key, pass its vkey (the export's first line names it — trust it"
          + " only if you know it). The server signs new checkpoints with keys/checkpoint.key and"
          + " refuses to start on a log signed by another key: for a restore, put the original"
          + " keys/ (the key files and keys/keyring.json) in place before importing.",
      "",
      "Exit 0 imported, 1 the file does not verify (nothing written), 2 usage or I/O error."
    })
final class AuditImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "The export file.")
  Path in;

  @Option(
      names = "--log-key",
      paramLabel = "VKEY|FILE",
      description =
          "A trusted verifier key (C2SP vkey), or a file of them, one per line. Repeat for"
              + " several. Default: the data directory's checkpoint key.")
  List<String> logKeys = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ExportSource export = open(in)) {
      DataDir d = AuditSupport.existing(data.dataDir());
      String origin = AuditSupport.origin(d);
      if (!export.header().origin().equals(origin)) {
        throw new AuditSupport.Stop(
            2,
            in
                + " holds the log of origin "
                + export.header().origin()
                + ", but "
                + d.config()
                + " says origin: "
                + origin
                + "; set it to the export's origin first");
      }
      LogKeys ownKeys = AuditSupport.ownKeys(d);
      NoteVerifierKey own = ownKeys.keys().get(0);
      List<NoteVerifierKey> keys = logKeys.isEmpty() ? ownKeys.keys() : AuditSupport.keys(logKeys);
      out.println(
          "Keys: "
              + String.join(", ", keys.stream().map(NoteVerifierKey::format).toList())
              + (logKeys.isEmpty() ? " (the data directory's checkpoint keys)" : ""));
      if (keys.stream().noneMatch(k -> k.format().equals(export.header().vkey()))) {
        err.println(
            "warden: the export says its log is signed by "
                + export.header().vkey()
                + ", which is not a trusted key; pass it with --log-key if you trust it");
      }
      AuditResult result;
      AuditSupport.ProgressBar verifying = AuditSupport.progress(err, "verifying");
      AuditSupport.ProgressBar writing = AuditSupport.progress(err, "writing  ");
      try (SqliteStore store = AuditSupport.openToWrite(d, "import")) {
        LogAuditor auditor = LogAuditor.trusting(keys).withProgress(verifying);
        result =
            LogImporter.importInto(
                export,
                auditor,
                store.log(),
                (done, total) -> {
                  verifying.finish();
                  writing.entries(done, total);
                });
      } finally {
        verifying.finish();
        writing.finish();
      }
      if (result instanceof AuditResult.Damaged x) {
        out.println(
            "REFUSED: "
                + x.kind().wire()
                + (x.kind().locatesCheckpoint() ? " at checkpoint of size " : " at index ")
                + x.index()
                + ": "
                + x.detail()
                + ". Nothing was written.");
        return 1;
      }
      out.println(
          "Imported "
              + result.size()
              + " entries and "
              + result.checkpoints()
              + " checkpoints into "
              + d.root()
              + ", verified first");
      if (!keys.contains(own)) {
        err.println(
            "warden: note: "
                + d.checkpointKey()
                + " did not sign this log; the server refuses to start until it is the original"
                + " checkpoint key");
      }
      return 0;
    } catch (AuditSupport.Stop e) {
      err.println("warden: " + e.getMessage());
      return e.exit;
    } catch (StoreException e) {
      return switch (e.kind()) {
        case CONFLICT -> {
          err.println("warden: " + e.getMessage());
          yield 2;
        }
        case CORRUPT -> {
          out.println("REFUSED: " + e.getMessage());
          yield 1;
        }
        default -> {
          err.println("warden: " + e.getMessage());
          yield 2;
        }
      };
    }
  }

  private static ExportSource open(Path file) throws AuditSupport.Stop {
    try {
      return ExportSource.open(file);
    } catch (IOException e) {
      throw new AuditSupport.Stop(2, "cannot import " + file + ": " + e.getMessage());
    }
  }
}
