package dev.warden.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.server.DataDir;
import dev.warden.server.doctor.Doctor;
import dev.warden.server.doctor.Finding;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check a data directory and the server on it, and say how to fix what is wrong.",
      "",
      "Checks: warden.yaml and the policy load; TLS certificates match their key and are not"
          + " expired or near expiry; the keys directory and key files are closed to others,"
          + " yours, and encrypted; with WARDEN_KEY_PASSPHRASE(_FILE) set, the keys unlock and"
          + " sign; keyring.json has no revoked active key; the database passes its integrity"
          + " check and its log matches the latest signed checkpoint; the clock is not behind"
          + " the log; the disk has room; a running server answers /readyz.",
      "",
      "A SQLite database that a running server holds is not opened (stop the server for those"
          + " checks). Exit code: 0 no problem (warnings allowed), 1 a problem, 2 usage."
    })
final class DoctorCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Mixin StoreOption store;

  @Option(names = "--json", description = "Print the findings as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DataDir d;
    try {
      d = store.apply(data.dataDir());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("warden: --store: " + e.getMessage());
      return 2;
    }
    List<Finding> findings = Doctor.examine(d, Main.env(spec), Clock.systemUTC());
    long problems = count(findings, Finding.Status.FAIL);
    long warnings = count(findings, Finding.Status.WARN);
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode o = mapper.createObjectNode();
      o.put("data_dir", d.root().toString());
      o.put("ok", problems == 0);
      ArrayNode a = o.putArray("findings");
      for (Finding f : findings) {
        a.addObject()
            .put("check", f.check())
            .put("status", f.status().wire())
            .put("message", f.message());
      }
      out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    } else {
      out.println(
          "warden doctor: "
              + d.root()
              + (d.store() == null ? "" : " (state: " + d.storeName() + ")"));
      for (Finding f : findings) {
        out.printf(
            "  %-5s %-16s %s%n",
            f.status() == Finding.Status.FAIL ? "FAIL" : f.status().wire(), f.check(), f.message());
      }
      out.println(
          problems == 0
              ? "No problems" + (warnings == 0 ? "." : ", " + plural(warnings, "warning") + ".")
              : plural(problems, "problem")
                  + (warnings == 0 ? "" : ", " + plural(warnings, "warning"))
                  + ": each says how to fix it.");
    }
    out.flush();
    return problems == 0 ? 0 : 1;
  }

  private static long count(List<Finding> findings, Finding.Status status) {
    return findings.stream().filter(f -> f.status() == status).count();
  }

  private static String plural(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
