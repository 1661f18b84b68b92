package dev.warden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.note.SignedNote;
import dev.warden.server.DataDir;
import dev.warden.store.Store;
import dev.warden.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden audit verify --data-dir DIR [--trusted-checkpoint FILE] [--log-key VKEY|FILE ...]
 * [--json]}: audits the whole log and prints {@code OK: …} or {@code DAMAGED: <kind> at …: …}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify the whole log of a data directory: every entry (canonical JSON, leaf hash), the"
          + " Merkle tree, every stored checkpoint's signature and root, and the stored tree"
          + " nodes.",
      "",
      "On damage it names the kind and the first bad index: modified, deleted, inserted,"
          + " reordered (entries), truncated (the tail is gone), forked (two signed checkpoints"
          + " no tree connects), bad_signature, unknown_key (checkpoints), malformed (not"
          + " canonical, unreadable), node_mismatch (stored tree nodes).",
      "",
      "Keys: without --log-key the data directory's own checkpoint key is trusted, which checks"
          + " the log against the key stored beside it. For a check that a thief of the whole"
          + " directory cannot fool, pass the vkey you published or saved (GET"
          + " /.well-known/warden/log-key), and --trusted-checkpoint with a checkpoint you saved"
          + " earlier (GET /v1/log/checkpoint): only that catches a tail removed together with"
          + " its checkpoints.",
      "",
      "Needs the database to itself: stop the server first.",
      "Exit 0 clean, 1 damage found, 2 usage or I/O error."
    })
final class AuditVerifyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin DataDirOption data;

  @Mixin StoreOption store;

  @Option(
      names = "--trusted-checkpoint",
      paramLabel = "FILE",
      description =
          "A signed checkpoint saved earlier (GET /v1/log/checkpoint). The log must be at least"
              + " that long and have that root at its size.")
  @Nullable Path trustedCheckpoint;

  @Option(
      names = "--log-key",
      paramLabel = "VKEY|FILE",
      description =
          "A trusted verifier key (C2SP vkey), or a file of them, one per line. Repeat for"
              + " several. A file may be what GET /.well-known/warden/log-key serves: every key, one"
              + " per line, compromised ones marked. Default: the data directory's checkpoint"
              + " keys (keys/keyring.json).")
  List<String> logKeys = new ArrayList<>();

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"status\":\"clean\"|\"damaged\",\"size\":…,"
              + "\"checkpoints\":…,\"keys\":[…],\"damage\":{\"kind\":…,\"index\":…,\"detail\":…}}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<NoteVerifierKey> keys = new ArrayList<>();
    try {
      DataDir d = AuditSupport.existing(AuditSupport.withStore(data.dataDir(), store));
      LogKeys keySet = logKeys.isEmpty() ? AuditSupport.ownKeys(d) : AuditSupport.keySet(logKeys);
      keys.addAll(keySet.keys());
      LogAuditor auditor =
          LogAuditor.trusting(keySet).withWarnings(m -> err.println("warning: " + m));
      if (trustedCheckpoint != null) {
        auditor = trusting(auditor, trustedCheckpoint);
      }
      if (!json) {
        out.println(
            "Keys: "
                + String.join(", ", keys.stream().map(NoteVerifierKey::format).toList())
                + (logKeys.isEmpty() ? " (the data directory's checkpoint keys)" : ""));
        out.flush();
      }
      AuditSupport.ProgressBar bar = AuditSupport.progress(err, "verifying");
      AuditResult result;
      try (Store opened = AuditSupport.openToRead(d, "verify")) {
        result = auditor.withProgress(bar).audit(AuditSource.of(opened.log()));
      } finally {
        bar.finish();
      }
      print(out, result, keys, auditor);
      return result instanceof AuditResult.Clean ? 0 : 1;
    } catch (AuditSupport.Stop e) {
      if (e.exit == 1) {
        print(out, e.getMessage(), keys);
      } else {
        err.println("warden: " + e.getMessage());
      }
      return e.exit;
    } catch (StoreException e) {
      err.println("warden: cannot read the log: " + e.getMessage());
      return 2;
    }
  }

  private static LogAuditor trusting(LogAuditor auditor, Path file) throws AuditSupport.Stop {
    String note;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(SignedNote.MAX_NOTE_BYTES + 1);
      note = new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuditSupport.Stop(2, "cannot read --trusted-checkpoint " + file + ": " + e);
    }
    try {
      return auditor.withTrustedCheckpoint(note);
    } catch (NoteException e) {
      throw new AuditSupport.Stop(
          2,
          "--trusted-checkpoint "
              + file
              + " is not a checkpoint signed by a trusted key ("
              + e.reason()
              + ": "
              + e.getMessage()
              + ")");
    }
  }

  private void print(
      PrintWriter out, AuditResult result, List<NoteVerifierKey> keys, LogAuditor auditor) {
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("status", result instanceof AuditResult.Clean ? "clean" : "damaged");
      o.put("size", result.size());
      o.put("checkpoints", result.checkpoints());
      if (result instanceof AuditResult.Damaged d) {
        o.putObject("damage")
            .put("kind", d.kind().wire())
            .put("index", d.index())
            .put("detail", d.detail());
      }
      out.println(withKeys(o, keys));
    } else if (result instanceof AuditResult.Damaged d) {
      out.println(
          "DAMAGED: "
              + d.kind().wire()
              + (d.kind().locatesCheckpoint() ? " at checkpoint of size " : " at index ")
              + d.index()
              + ": "
              + d.detail());
    } else {
      out.println(
          String.format(
                  "OK: %d entries, %d checkpoints verified", result.size(), result.checkpoints())
              + auditor
                  .trustedCheckpoint()
                  .map(c -> ", and the trusted checkpoint of size " + c.size())
                  .orElse(""));
    }
  }

  /** Damage found before the audit could start: the store refused the database. */
  private void print(PrintWriter out, String detail, List<NoteVerifierKey> keys) {
    if (json) {
      ObjectNode o = JSON.createObjectNode().put("status", "damaged");
      o.putNull("size");
      o.putNull("checkpoints");
      o.putObject("damage").put("kind", "malformed").putNull("index").put("detail", detail);
      out.println(withKeys(o, keys));
    } else {
      out.println("DAMAGED: " + detail);
    }
  }

  /** The keys the audit trusted, last. */
  private static ObjectNode withKeys(ObjectNode o, List<NoteVerifierKey> keys) {
    ArrayNode k = o.putArray("keys");
    keys.forEach(key -> k.add(key.format()));
    return o;
  }
}
