package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptException;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden verify FILE --log-key VKEY|FILE [--jwks FILE]}: verifies a saved receipt offline
 * (SPEC §13) and prints one line, {@code OK: …} or {@code FAIL: <reason>: <message>}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a saved decision receipt offline: the entry's hash, its inclusion in the log, the"
          + " checkpoint's signature, the tlog proof, the JWS signature and the binding between"
          + " them.",
      "",
      "FILE holds the receipt object, or a whole decision response with a \"receipt\" member"
          + " (\"-\" reads stdin). Without --jwks the JWS signature is not checked (a note on"
          + " stderr says so); everything else is.",
      "Exit 0 valid, 1 a check failed (the line names it), 2 usage or I/O error."
    })
final class VerifyCommand implements Callable<Integer> {
  private static final JsonLimits LIMITS =
      new JsonLimits(ReceiptVerifier.MAX_RECEIPT_BYTES, 32, 2 * 1024 * 1024, 100, 10_000);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The receipt (JSON), or - for stdin.")
  String file;

  @Option(
      names = "--log-key",
      required = true,
      paramLabel = "VKEY|FILE",
      description =
          "The log's verifier key (C2SP vkey), or a file of them as GET"
              + " /.well-known/warden/log-key serves it: one per line, compromised keys marked."
              + " Repeat for several.")
  List<String> logKeys = new ArrayList<>();

  @Option(
      names = "--jwks",
      paramLabel = "FILE",
      description = "Warden's JWKS (GET /.well-known/warden/jwks.json) to check the JWS signature.")
  @Nullable Path jwksFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LogKeys keys = null;
    Jwks jwks = null;
    byte[] input;
    try {
      for (String k : logKeys) {
        keys = keys == null ? logKey(k) : keys.plus(logKey(k));
      }
      if (jwksFile != null) {
        try {
          jwks = Jwks.parse(Files.readString(jwksFile, StandardCharsets.UTF_8));
        } catch (ReceiptException e) {
          throw new IllegalArgumentException("--jwks " + jwksFile + ": " + e.getMessage());
        }
      }
      input = read(file);
    } catch (IllegalArgumentException e) {
      err.println("warden: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println(
          "warden: cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
      return 2;
    }

    VerifiedReceipt v;
    try {
      JsonNode doc = parse(input);
      v = ReceiptVerifier.verify(receiptIn(doc), keys, jwks);
      for (String w : v.warnings()) {
        err.println("warning: " + w);
      }
      checkAnswerAgrees(doc, v);
    } catch (ReceiptException e) {
      out.println("FAIL: " + e.reason() + ": " + e.getMessage());
      return 1;
    }
    JsonNode entry = v.entry();
    out.println(
        "OK: decision "
            + entry.path("decision_id").asText("?")
            + " ("
            + entry.path("decision").asText("?")
            + ") is entry "
            + v.leafIndex()
            + " of "
            + v.checkpoint().origin()
            + " at size "
            + v.checkpoint().size());
    if (v.jws() instanceof VerifiedReceipt.NotChecked) {
      err.println("warden: the JWS signature was not checked (no --jwks given)");
    }
    return 0;
  }

  private static JsonNode parse(byte[] input) throws ReceiptException {
    try {
      return StrictJson.parse(input, LIMITS);
    } catch (JsonRejected e) {
      throw new ReceiptException(
          ReceiptException.Reason.MALFORMED,
          "the file is not strict JSON"
              + (e.pointer().isEmpty() ? "" : " at " + e.pointer())
              + ": "
              + e.getMessage());
    }
  }

  /** The receipt object: the document itself, or its {@code receipt} member. */
  private static JsonNode receiptIn(JsonNode doc) {
    if (isAnswer(doc)) {
      return doc.get("receipt");
    }
    return doc;
  }

  private static boolean isAnswer(JsonNode doc) {
    return doc.isObject() && !doc.has("jws") && doc.path("receipt").isObject();
  }

  /**
   * A whole decision answer says things outside its receipt (decision, ids, index): each must be
   * what the verified receipt says, or a reader would trust an unverified field.
   */
  private static void checkAnswerAgrees(JsonNode doc, VerifiedReceipt v) throws ReceiptException {
    if (!isAnswer(doc)) {
      return;
    }
    for (String f :
        new String[] {
          "decision_id",
          "decision",
          "agent",
          "tenant",
          "action",
          "resource",
          "request_digest",
          "policy_hash",
          "ts",
          "reasons"
        }) {
      if (doc.has(f) && !doc.get(f).equals(v.entry().get(f))) {
        throw new ReceiptException(
            ReceiptException.Reason.BINDING,
            "the answer's " + f + " is not what its receipt says (" + v.entry().path(f) + ")");
      }
    }
    if (doc.has("log_index") && doc.get("log_index").asLong(-1) != v.leafIndex()) {
      throw new ReceiptException(
          ReceiptException.Reason.BINDING,
          "the answer's log_index is not its receipt's leaf_index");
    }
  }

  private static LogKeys logKey(String value) throws IOException {
    try {
      return LogKeys.of(List.of(NoteVerifierKey.parse(value)));
    } catch (IllegalArgumentException notAVkey) {
      Path path;
      try {
        path = Path.of(value);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("--log-key: " + notAVkey.getMessage());
      }
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException(
            "--log-key is neither a vkey nor a file: " + notAVkey.getMessage());
      }
      try {
        return LogKeys.parse(Files.readString(path, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--log-key " + path + ": " + e.getMessage());
      }
    }
  }

  private static byte[] read(String file) throws IOException {
    int max = ReceiptVerifier.MAX_RECEIPT_BYTES;
    byte[] bytes;
    if (file.equals("-")) {
      bytes = System.in.readNBytes(max + 1);
    } else {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        bytes = in.readNBytes(max + 1);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("FILE " + file + " is not a path");
      }
    }
    if (bytes.length > max) {
      throw new IllegalArgumentException(file + " is larger than " + max + " bytes");
    }
    return bytes;
  }
}
