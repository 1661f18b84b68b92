package dev.warden.cli;

import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "canonicalize",
    mixinStandardHelpOptions = true,
    description = {
      "Print the RFC 8785 (JCS) canonical form of the JSON on stdin.",
      "",
      "The input is parsed strictly first: UTF-8, no duplicate keys, no NaN, nesting depth at"
          + " most 32, at most 1 MiB. Exit 2 with the reason and JSON Pointer if it is not."
    })
final class CanonicalizeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    byte[] in = System.in.readNBytes(JsonLimits.defaults().maxBodyBytes() + 1);
    try {
      System.out.write(Canonical.canonicalize(in, JsonLimits.defaults()));
      System.out.flush();
      return 0;
    } catch (JsonRejected e) {
      System.err.println(
          "warden: invalid JSON"
              + (e.pointer().isEmpty() ? "" : " at " + e.pointer())
              + ": "
              + e.getMessage());
      return 2;
    }
  }
}
