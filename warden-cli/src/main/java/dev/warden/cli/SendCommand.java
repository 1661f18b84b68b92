package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.client.AgentCredentials;
import dev.warden.client.WardenClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a request as an agent and send it, like curl.",
      "",
      "Signs with RFC 9421 (Ed25519 or HMAC, a fresh nonce, Content-Digest over the body)."
          + " Prints the response body; the status goes to stderr. Exit 0 when the request was"
          + " allowed or is pending, 1 when it was denied or refused.",
      "",
      "Example: warden send --agent demo-agent -d '{\"action\":\"payments.transfer\",",
      "           \"resource\":\"acct/ops\",\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"}}'"
    })
final class SendCommand extends ServerOptions implements Callable<Integer> {
  @Option(names = "--agent", paramLabel = "ID", description = "Use <data-dir>/agents/ID.json.")
  String agent;

  @Option(names = "--key-file", paramLabel = "FILE", description = "The agent's key file.")
  Path keyFile;

  @Option(
      names = {"-X", "--method"},
      defaultValue = "POST",
      description = "HTTP method (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "JSON|@FILE",
      description = "Request body; @FILE reads a file, @- stdin.")
  String body;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "NAME: VALUE",
      description = "Extra header (e.g. Idempotency-Key); repeatable.")
  List<String> headers = List.of();

  @Parameters(
      paramLabel = "PATH",
      defaultValue = "/v1/decisions",
      description = "Path and query (default: ${DEFAULT-VALUE}).")
  String path;

  @Override
  public Integer call() throws Exception {
    Path kf =
        keyFile != null
            ? keyFile
            : agent != null ? data.dataDir().agents().resolve(agent + ".json") : null;
    if (kf == null) {
      System.err.println("warden: say which agent signs: --agent ID or --key-file FILE");
      return 2;
    }
    AgentCredentials creds = AgentCredentials.load(kf);
    WardenClient client = WardenClient.create(AdminClient.serverUrl(data.dataDir(), url), creds);
    Map<String, String> extra = new LinkedHashMap<>();
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        System.err.println("warden: a header is NAME: VALUE, got " + h);
        return 2;
      }
      extra.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    WardenClient.Response r = client.send(method, path, bodyBytes(), extra);
    System.err.println("HTTP " + r.status());
    System.out.println(r.bodyText());
    if (r.status() >= 400) {
      return 1;
    }
    JsonNode j = AdminClient.JSON.readTree(r.body());
    return "deny".equals(j.path("decision").asText()) ? 1 : 0;
  }

  private byte[] bodyBytes() throws java.io.IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body.equals("@-")) {
      return System.in.readAllBytes();
    }
    if (body.startsWith("@")) {
      return Files.readAllBytes(Path.of(body.substring(1)));
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
