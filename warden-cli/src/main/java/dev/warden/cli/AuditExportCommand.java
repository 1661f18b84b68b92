package dev.warden.cli;

import dev.warden.audit.AuditSource;
import dev.warden.audit.LogExport;
import dev.warden.server.DataDir;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden audit export --data-dir DIR --out FILE}: streams the log to an export file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write the log of a data directory to a file: every entry and every signed checkpoint, as"
          + " JSON Lines (format in LOG-FORMAT.md, 'Export files').",
      "",
      "The first line names the log's origin and its checkpoint key; then each entry as"
          + " {\"index\":i,\"entry\":\"<canonical JSON>\"}, with each checkpoint"
          + " {\"checkpoint\":\"<signed note>\"} after the entry that completes it. The file is"
          + " written as stored, damaged or not: 'warden audit import' verifies it completely"
          + " before it accepts anything, and 'warden audit verify' checks the log itself.",
      "",
      "Never overwrites FILE. Needs the database to itself: stop the server first.",
      "Exit 0 written, 1 an entry cannot be exported (damaged log), 2 usage or I/O error."
    })
final class AuditExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The file to write; it must not exist.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      DataDir d = AuditSupport.existing(data.dataDir());
      String origin = AuditSupport.origin(d);
      String vkey = AuditSupport.ownKey(d).format();
      if (Files.exists(out)) {
        throw new AuditSupport.Stop(2, out + " exists; refusing to overwrite it");
      }
      LogExport.Written written;
      try (Store store = AuditSupport.openToRead(d, "export")) {
        AuditSource source = AuditSource.of(store.log());
        LogExport.Header header = new LogExport.Header(origin, vkey, source.expectedSize());
        written = write(source, header, err);
      }
      stdout.println(
          "Exported "
              + written.entries()
              + " entries and "
              + written.checkpoints()
              + " checkpoints of "
              + origin
              + " to "
              + out);
      stdout.println(
          "Import it (verified first) with: warden audit import --data-dir NEW_DIR --in " + out);
      return 0;
    } catch (AuditSupport.Stop e) {
      err.println("warden: " + e.getMessage());
      return e.exit;
    } catch (StoreException e) {
      err.println("warden: " + e.getMessage());
      return e.kind() == StoreException.Kind.CORRUPT ? 1 : 2;
    }
  }

  /** Writes the file, created new; deletes what was written if anything fails. */
  private LogExport.Written write(AuditSource source, LogExport.Header header, PrintWriter err)
      throws AuditSupport.Stop, StoreException {
    OutputStream file;
    try {
      file = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new AuditSupport.Stop(2, out + " exists; refusing to overwrite it");
    } catch (IOException e) {
      throw new AuditSupport.Stop(2, "cannot create " + out + ": " + e.getMessage());
    }
    AuditSupport.ProgressBar bar = AuditSupport.progress(err, "exporting");
    boolean done = false;
    try (OutputStream buffered = new BufferedOutputStream(file, 1 << 16)) {
      LogExport.Written w = LogExport.write(source, header, buffered, bar);
      buffered.flush();
      done = true;
      return w;
    } catch (IOException e) {
      throw new AuditSupport.Stop(2, "cannot write " + out + ": " + e.getMessage());
    } finally {
      bar.finish();
      if (!done) {
        deleteQuietly(out); // created above by this command: never a file that was there before
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The error that got here is the one to report.
    }
  }
}
