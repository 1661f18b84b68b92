package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.log.MerkleFrontier;
import dev.warden.log.MerkleHasher;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public log endpoints: what a third party downloads is what was hashed and signed. */
class LogApiTest {
  @TempDir Path tmp;

  private static HttpResponse<String> get(TestWarden w, String path) throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void checkpointEntriesAndKey_agreeAndVerify() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent a = w.createAgent("agent-1");
      for (int i = 0; i < 5; i++) {
        w.send(
            a.key(),
            TestWarden.req("{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}"));
      }
      String note = get(w, "/v1/log/checkpoint").body();
      String vkey = get(w, "/.well-known/warden/log-key").body().strip();

      // vkey: name+keyid+base64(0x01 || pk); the note: body, blank line, "— name base64(id||sig)".
      String[] vk = vkey.split("\\+", 3);
      assertThat(vk).hasSize(3);
      assertThat(vk[0]).isEqualTo("warden.local/log");
      byte[] typed = Base64.getDecoder().decode(vk[2]);
      assertThat(typed[0]).isEqualTo((byte) 0x01);
      byte[] pk = Arrays.copyOfRange(typed, 1, 33);
      int split = note.indexOf("\n\n");
      String body = note.substring(0, split + 1);
      String[] lines = body.split("\n");
      assertThat(lines[0]).isEqualTo("warden.local/log");
      long size = Long.parseLong(lines[1]);
      byte[] root = Base64.getDecoder().decode(lines[2]);
      String sigLine = note.substring(split + 2).strip();
      assertThat(sigLine).startsWith("\u2014 warden.local/log ");
      byte[] idAndSig = Base64.getDecoder().decode(sigLine.substring(sigLine.lastIndexOf(' ') + 1));
      assertThat(java.util.HexFormat.of().formatHex(idAndSig, 0, 4)).isEqualTo(vk[1]);
      SignatureAlgorithms.verifyEd25519(
          pk,
          body.getBytes(StandardCharsets.UTF_8),
          Arrays.copyOfRange(idAndSig, 4, idAndSig.length));

      JsonNode entries =
          TestWarden.json(get(w, "/v1/log/entries?start=0&end=" + size)).path("entries");
      assertThat(entries).hasSize((int) size);
      MerkleFrontier f = MerkleFrontier.empty();
      for (int i = 0; i < entries.size(); i++) {
        assertThat(entries.get(i).path("index").asLong()).isEqualTo(i);
        f.append(
            MerkleHasher.leafHash(
                entries.get(i).path("entry").asText().getBytes(StandardCharsets.UTF_8)));
      }
      assertThat(f.root()).as("the entries served hash to the signed root").isEqualTo(root);
    }
  }

  @Test
  void entries_badRanges_400() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      RefusalTest.assertProblem(get(w, "/v1/log/entries?start=5&end=2"), 400, "request.invalid");
      RefusalTest.assertProblem(get(w, "/v1/log/entries?start=0&end=1001"), 400, "request.invalid");
      RefusalTest.assertProblem(get(w, "/v1/log/entries?start=x"), 400, "request.invalid");
      // Past the end: an empty page, not an error (the entries member must be there).
      HttpResponse<String> past = get(w, "/v1/log/entries?start=100&end=200");
      assertThat(past.statusCode()).as(past.body()).isEqualTo(200);
      assertThat(TestWarden.json(past).path("entries").isArray()).isTrue();
      assertThat(TestWarden.json(past).path("entries")).isEmpty();
    }
  }
}
