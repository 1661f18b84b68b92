package dev.warden.server.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.server.adapter.Outcome.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ResponseReader}: HTTP/1.1 response framing, from bytes. */
class HttpAdapterResponseTest {

  private static ResponseReader.Response read(String raw, int max)
      throws IOException, AdapterFailure {
    return read(raw.getBytes(StandardCharsets.ISO_8859_1), max);
  }

  private static ResponseReader.Response read(byte[] raw, int max)
      throws IOException, AdapterFailure {
    return new ResponseReader(new ByteArrayInputStream(raw), max).read();
  }

  private static String body(ResponseReader.Response r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  private static void fails(String raw, int max, Reason reason, String detail) {
    assertThatThrownBy(() -> read(raw, max))
        .as(raw)
        .isInstanceOfSatisfying(
            AdapterFailure.class,
            f -> {
              assertThat(f.reason()).isEqualTo(reason);
              assertThat(f.getMessage()).contains(detail);
            });
  }

  @Test
  void read_contentLength_readsExactlyThatManyBytes() throws Exception {
    ResponseReader.Response r =
        read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhelloTRAILING", 100);

    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("hello");
  }

  @Test
  void read_chunkedWithExtensionsAndTrailers_decoded() throws Exception {
    ResponseReader.Response r =
        read(
            "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\nA \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
            100);

    assertThat(r.status()).isEqualTo(404);
    assertThat(body(r)).isEqualTo("hello 0123456789");
  }

  @Test
  void read_noFraming_readsToTheEndOfTheConnection() throws Exception {
    assertThat(body(read("HTTP/1.0 500\nServer: old\n\nall of it", 100))).isEqualTo("all of it");
  }

  @Test
  void read_interimResponses_skipped() throws Exception {
    ResponseReader.Response r =
        read(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
            100);

    assertThat(r.status()).isEqualTo(201);
    assertThat(body(r)).isEqualTo("ok");
  }

  @Test
  void read_204_hasNoBodyWhateverFollows() throws Exception {
    assertThat(read("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", 100).body()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"301", "302", "303", "304", "307", "308"})
  void read_3xx_redirectRefused(int status) {
    fails(
        "HTTP/1.1 " + status + " X\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n",
        100,
        Reason.REDIRECT_REFUSED,
        String.valueOf(status));
  }

  @Test
  void read_framingDisagreements_refusedAsMalformed() {
    String ok = "HTTP/1.1 200 OK\r\n";
    fails(
        ok + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        100,
        Reason.IO_ERROR,
        "both");
    fails(ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 100, Reason.IO_ERROR, "differ");
    fails(ok + "Content-Length: 2, 3\r\n\r\nabc", 100, Reason.IO_ERROR, "differ");
    fails(ok + "Content-Length: -1\r\n\r\n", 100, Reason.IO_ERROR, "not a number");
    fails(ok + "Transfer-Encoding: gzip, chunked\r\n\r\n", 100, Reason.IO_ERROR, "transfer coding");
    fails(
        ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        100,
        Reason.IO_ERROR,
        "transfer coding");
    fails(ok + "X: a\r\n  folded\r\n\r\n", 100, Reason.IO_ERROR, "folding");
    fails(ok + "Bad Name: a\r\n\r\n", 100, Reason.IO_ERROR, "name: value");
    fails(ok + "Name : a\r\n\r\n", 100, Reason.IO_ERROR, "name: value");
    fails("HTTP/2 200\r\n\r\n", 100, Reason.IO_ERROR, "status line");
    fails("HTTP/1.1 101 Switching Protocols\r\n\r\n", 100, Reason.IO_ERROR, "101");
    fails(ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 100, Reason.IO_ERROR, "hexadecimal");
    fails(
        ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n",
        100,
        Reason.IO_ERROR,
        "CRLF");
  }

  @Test
  void read_truncated_endedEarly() {
    fails("", 100, Reason.IO_ERROR, "without answering");
    fails("HTTP/1.1 200 OK\r\nContent-Le", 100, Reason.IO_ERROR, "ended early");
    fails(
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 100, Reason.IO_ERROR, "ended early");
    fails(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        100,
        Reason.IO_ERROR,
        "ended early");
  }

  @Test
  void read_pastLimits_responseTooLarge() {
    String ok = "HTTP/1.1 200 OK\r\n";
    fails(ok + "Content-Length: 11\r\n\r\n", 10, Reason.RESPONSE_TOO_LARGE, "11 bytes");
    fails(ok + "\r\n" + "x".repeat(11), 10, Reason.RESPONSE_TOO_LARGE, "max_response_bytes 10");
    fails(
        ok + "Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n0\r\n\r\n",
        10,
        Reason.RESPONSE_TOO_LARGE,
        "longer");
    fails(
        ok + "X: " + "a".repeat(ResponseReader.MAX_LINE) + "\r\n\r\n",
        10,
        Reason.RESPONSE_TOO_LARGE,
        "line");
    fails(
        ok + "X: a\r\n".repeat(ResponseReader.MAX_FIELDS + 1) + "\r\n",
        10,
        Reason.RESPONSE_TOO_LARGE,
        "fields");
    fails(
        "HTTP/1.1 100 Continue\r\nX: "
            + "a".repeat(8000)
            + "\r\n\r\n".repeat(1)
            + ("HTTP/1.1 100 Continue\r\nX: " + "a".repeat(8000) + "\r\n\r\n").repeat(8)
            + ok
            + "\r\n",
        10,
        Reason.RESPONSE_TOO_LARGE,
        "header sections");
  }

  /** Random bodies, randomly chunked, decode to themselves; seed in the failure message. */
  @Test
  void read_randomChunking_roundTrips() throws Exception {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 300; i++) {
      byte[] body = new byte[random.nextInt(3000)];
      random.nextBytes(body);
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      raw.writeBytes(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      int at = 0;
      while (at < body.length) {
        int n = Math.min(body.length - at, 1 + random.nextInt(700));
        String size = Integer.toHexString(n);
        raw.writeBytes(
            ((random.nextBoolean() ? size.toUpperCase() : size)
                    + (random.nextBoolean() ? ";e=1" : "")
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        raw.write(body, at, n);
        raw.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        at += n;
      }
      raw.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      assertThat(read(raw.toByteArray(), 3000).body())
          .as("seed %d, case %d", seed, i)
          .isEqualTo(body);
    }
  }

  /** Mutated responses fail only in the declared ways; seed in the failure message. */
  @Test
  void read_randomlyMutatedResponses_failOnlyAsDeclared() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] seeds = {
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII),
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII),
      "HTTP/1.1 100 C\r\n\r\nHTTP/1.0 404\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII)
    };
    String[] alphabet = {"\r", "\n", ":", " ", "0", "9", "f", ";", ",", "-", "\u00ff", "HTTP/1.1 "};
    for (int i = 0; i < 5000; i++) {
      byte[] raw = seeds[random.nextInt(seeds.length)];
      StringBuilder s = new StringBuilder(new String(raw, StandardCharsets.ISO_8859_1));
      for (int m = random.nextInt(1, 5); m > 0; m--) {
        int at = random.nextInt(s.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> s.insert(at, alphabet[random.nextInt(alphabet.length)]);
          case 1 -> s.delete(at, Math.min(s.length(), at + random.nextInt(1, 4)));
          default -> s.setLength(at);
        }
      }
      String mutated = s.toString();
      try {
        read(mutated, 64);
      } catch (AdapterFailure | IOException expected) {
        // declared failures
      } catch (RuntimeException e) {
        throw new AssertionError(
            "seed "
                + seed
                + ", case "
                + i
                + ": "
                + mutated.replace("\r", "\\r").replace("\n", "\\n"),
            e);
      }
    }
  }
}
