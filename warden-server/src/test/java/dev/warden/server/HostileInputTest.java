package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.httpsig.Component;
import dev.warden.httpsig.ContentDigest;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.SignatureBase;
import dev.warden.httpsig.SignatureParameters;
import dev.warden.httpsig.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus (issue 9): every file of {@code src/test/resources/hostile/} is a raw
 * HTTP/1.1 request that Warden must refuse, sent byte for byte over a socket to a real server; the
 * answer must be the file's status and stable code in a problem document, with a {@code
 * decision_id} exactly when the file says the refusal is {@code logged} (after authentication).
 *
 * <p>A file starts with directive lines, then the request; head lines end in LF in the file and
 * CRLF on the wire, and the first empty line starts the body:
 *
 * <pre>
 * # expect: STATUS CODE [logged]
 * # sign: [components=@method,@target-uri,content-digest] [alg=ed25519|none|…] [keyid=…] [target=URI] [created=SECONDS-FROM-NOW] [digest-of=TEXT]
 * POST /v1/decisions HTTP/1.1
 * Host: ${host}
 * ${signature}
 * </pre>
 *
 * Placeholders: {@code ${host}} (the server's address), {@code ${length}} (the body's length),
 * {@code ${signature}} (Content-Digest, Signature-Input and Signature lines made as {@code # sign}
 * says, by the registered agent's key), {@code ${repeat:C:N}} (C N times), {@code ${byte:HH}},
 * {@code ${cr}}, {@code ${lf}}, {@code ${nul}}. Without {@code # sign} the request is unsigned.
 */
class HostileInputTest extends OneWardenTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z]+)(?::([^}]*))?}");
  private static final Pattern EXPECT =
      Pattern.compile("# expect: (\\d{3}) ([a-z_]+\\.[a-z_]+)( logged)?");

  static Stream<String> corpus() throws IOException, URISyntaxException {
    URL dir = HostileInputTest.class.getResource("/hostile");
    assertThat(dir).as("the hostile corpus on the test classpath").isNotNull();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".http"))
              .sorted()
              .toList();
      assertThat(names).as("corpus files").hasSizeGreaterThan(50);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void hostileRequest_refusedWithItsStableCode(String file) throws Exception {
    String text;
    try (InputStream in = HostileInputTest.class.getResourceAsStream("/hostile/" + file)) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    Matcher expect = EXPECT.matcher(text.lines().findFirst().orElse(""));
    assertThat(expect.matches()).as("%s starts with '# expect: STATUS CODE'", file).isTrue();
    Map<String, String> sign = null;
    int start = 0;
    while (text.startsWith("#", start)) {
      int end = text.indexOf('\n', start);
      String line = text.substring(start, end);
      if (line.startsWith("# sign:")) {
        sign = new HashMap<>();
        for (String kv : expand(line.substring("# sign:".length())).trim().split(" ")) {
          if (!kv.isEmpty()) {
            sign.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
          }
        }
      }
      start = end + 1;
    }
    byte[] request = build(text.substring(start), sign);

    Answer a = exchange(request);

    String what = file + ": " + a.head + "\n" + a.body;
    assertThat(a.status).as(what).isEqualTo(Integer.parseInt(expect.group(1)));
    assertThat(a.head.toLowerCase(Locale.ROOT))
        .as(what)
        .contains("content-type: application/problem+json");
    JsonNode problem = TestWarden.JSON.readTree(a.body);
    assertThat(problem.path("code").asText()).as(what).isEqualTo(expect.group(2));
    assertThat(problem.path("detail").asText()).as(what).isNotBlank();
    assertThat(a.body).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(problem.hasNonNull("decision_id"))
        .as("%s: a decision_id exactly when the refusal is logged on its own", what)
        .isEqualTo(expect.group(3) != null);
  }

  /**
   * The control: a request made by the same builder with the default {@code # sign} is decided, so
   * the corpus's signature refusals come from what each file changes, not from the builder.
   */
  @Test
  void control_wellFormedRequestFromTheSameBuilder_isDecided() throws Exception {
    String request =
        "POST /v1/decisions HTTP/1.1\nHost: ${host}\nContent-Type: application/json\n"
            + "Content-Length: ${length}\n${signature}\n\n"
            + RefusalTest.OK_BODY;
    Answer a = exchange(build(request, Map.of()));
    assertThat(a.status).as(a.head + "\n" + a.body).isEqualTo(200);
    assertThat(TestWarden.JSON.readTree(a.body).hasNonNull("decision_id")).as(a.body).isTrue();
  }

  /** The request's bytes: placeholders expanded, CRLF line ends in the head, signed if asked. */
  private byte[] build(String request, Map<String, String> sign) throws Exception {
    int split = request.indexOf("\n\n");
    String head = split < 0 ? request.stripTrailing() : request.substring(0, split);
    String body = split < 0 ? "" : expand(request.substring(split + 2));
    byte[] bodyBytes = body.getBytes(StandardCharsets.ISO_8859_1);
    head = expand(head).replace("${length}", Integer.toString(bodyBytes.length));
    if (head.contains("${signature}")) {
      assertThat(sign).as("${signature} needs a '# sign:' line").isNotNull();
      head = head.replace("${signature}", signature(head, bodyBytes, sign));
    }
    String wire = String.join("\r\n", head.split("\n", -1)) + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(wire.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(bodyBytes);
    return out.toByteArray();
  }

  private String expand(String s) {
    Matcher m = PLACEHOLDER.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String arg = m.group(2);
      String value =
          switch (m.group(1)) {
            case "host" -> "127.0.0.1:" + w.server().port();
            case "repeat" ->
                arg.substring(0, arg.indexOf(':'))
                    .repeat(Integer.parseInt(arg.substring(arg.indexOf(':') + 1)));
            case "byte" -> String.valueOf((char) Integer.parseInt(arg, 16));
            case "cr" -> "\r";
            case "lf" -> "\n";
            case "nul" -> "\0";
            default -> m.group(); // ${length} and ${signature}: filled in later
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Content-Digest, Signature-Input and Signature header lines for this request. */
  private String signature(String head, byte[] body, Map<String, String> sign) throws Exception {
    String[] requestLine = head.substring(0, head.indexOf('\n')).split(" ");
    Map<String, List<String>> fields = new HashMap<>();
    for (String line : head.substring(head.indexOf('\n') + 1).split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields
            .computeIfAbsent(
                line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    byte[] digested =
        sign.containsKey("digest-of")
            ? sign.get("digest-of").getBytes(StandardCharsets.ISO_8859_1)
            : body;
    String digest = ContentDigest.header(digested);
    fields.put("content-digest", List.of(digest));
    URI target =
        URI.create(
            sign.getOrDefault("target", "http://127.0.0.1:" + w.server().port() + requestLine[1]));
    List<Component> components = new ArrayList<>();
    for (String c :
        sign.getOrDefault("components", "@method,@target-uri,content-digest").split(",")) {
      components.add(Component.of(c));
    }
    String alg = sign.getOrDefault("alg", "ed25519");
    String keyId = sign.getOrDefault("keyid", agent.id());
    long created =
        System.currentTimeMillis() / 1000 + Long.parseLong(sign.getOrDefault("created", "0"));
    SignatureParameters params =
        SignatureParameters.create(
            components,
            created,
            null,
            TestWarden.newNonce(),
            keyId,
            alg.equals("none") ? null : alg,
            null);
    HttpRequestView view =
        new HttpRequestView() {
          @Override
          public String method() {
            return requestLine[0];
          }

          @Override
          public URI targetUri() {
            return target;
          }

          @Override
          public List<String> headerValues(String lowercaseName) {
            return fields.getOrDefault(lowercaseName, List.of());
          }
        };
    SigningKey key = SigningKey.ed25519(keyId, agent.seed());
    String sig = Base64.getEncoder().encodeToString(key.sign(SignatureBase.build(view, params)));
    return "Content-Digest: "
        + digest
        + "\nSignature-Input: sig1="
        + params.serialized()
        + "\nSignature: sig1=:"
        + sig
        + ":";
  }

  private record Answer(int status, String head, String body) {}

  /** Sends the bytes (the server may answer and close before it has read them all). */
  private Answer exchange(byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", w.server().port())) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // refused early (e.g. a body over the limit): the answer is already on its way
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int headEnd = -1;
      int contentLength = -1;
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          break; // reset after the answer
        }
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
        String sofar = got.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0 && (headEnd = sofar.indexOf("\r\n\r\n")) >= 0) {
          Matcher cl =
              Pattern.compile("(?im)^content-length:\\s*(\\d+)")
                  .matcher(sofar.substring(0, headEnd));
          contentLength = cl.find() ? Integer.parseInt(cl.group(1)) : -1;
        }
        if (headEnd >= 0 && contentLength >= 0 && got.size() >= headEnd + 4 + contentLength) {
          break;
        }
      }
      String all = got.toString(StandardCharsets.ISO_8859_1);
      if (headEnd < 0) {
        throw new UncheckedIOException(new IOException("no complete answer: " + all));
      }
      String head = all.substring(0, headEnd);
      int status = Integer.parseInt(head.substring(9, 12));
      return new Answer(
          status,
          head,
          new String(
              all.substring(headEnd + 4).getBytes(StandardCharsets.ISO_8859_1),
              StandardCharsets.UTF_8));
    }
  }
}
