package dev.warden.server.adapter;

import dev.warden.server.adapter.Outcome.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.1 response (RFC 9112) from a connection that carries only it: the status line
 * and header section, interim 1xx responses skipped, then the body framed by {@code
 * Transfer-Encoding: chunked}, {@code Content-Length}, or the end of the connection (§6.3).
 *
 * <p>Strict where leniency could hide a framing disagreement: obsolete line folding, whitespace
 * before a field's colon, differing {@code Content-Length} values, {@code Content-Length} together
 * with {@code Transfer-Encoding}, and any transfer coding but a single {@code chunked} are all
 * refused. Content codings (gzip) are not undone: the body is what the upstream sent. Limits: a
 * header line of {@value #MAX_LINE} bytes, header sections (with interim responses and trailers) of
 * {@value #MAX_HEAD} bytes in all, {@value #MAX_FIELDS} fields per section, and the caller's body
 * limit, checked before the bytes are read.
 */
final class ResponseReader {

  static final int MAX_LINE = 8192;
  static final int MAX_HEAD = 65_536;
  static final int MAX_FIELDS = 128;
  private static final int MAX_CHUNK_LINE = 1024;

  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] ([1-5][0-9][0-9])(?: .*)?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,15}");

  /** A final response: its status (never 1xx or 3xx) and its whole body. */
  record Response(int status, byte[] body) {}

  /** The framing-relevant part of a header section. */
  private record Head(int status, long contentLength, boolean chunked) {}

  private final InputStream in;
  private final int maxBody;
  private int headBytes;

  /**
   * @param in the connection's input, buffered by the caller
   * @param maxBody the largest body accepted, in bytes
   */
  ResponseReader(InputStream in, int maxBody) {
    this.in = in;
    this.maxBody = maxBody;
  }

  /**
   * @throws AdapterFailure {@link Reason#REDIRECT_REFUSED} for a 3xx (its body is not read), {@link
   *     Reason#RESPONSE_TOO_LARGE} past a limit, {@link Reason#IO_ERROR} for a malformed or
   *     truncated response
   * @throws IOException if reading the connection fails
   */
  Response read() throws IOException, AdapterFailure {
    Head head = head(true);
    while (head.status() < 200) {
      if (head.status() == 101) {
        throw malformed("101 Switching Protocols, which was not asked for");
      }
      head = head(false);
    }
    if (head.status() >= 300 && head.status() < 400) {
      throw new AdapterFailure(
          Reason.REDIRECT_REFUSED,
          "the upstream answered "
              + head.status()
              + "; redirects are never followed, the configured URL must answer itself");
    }
    if (head.status() == 204) {
      return new Response(204, new byte[0]);
    }
    return new Response(head.status(), body(head));
  }

  private Head head(boolean first) throws IOException, AdapterFailure {
    String statusLine = line(MAX_LINE, true, first);
    Matcher m = STATUS.matcher(statusLine);
    if (!m.matches()) {
      throw malformed("the status line is not HTTP/1.1 \"" + ConfigReader.shown(statusLine) + "\"");
    }
    int status = Integer.parseInt(m.group(1));
    long contentLength = -1;
    boolean transferEncoding = false;
    boolean chunkedOnly = true;
    int fields = 0;
    for (String line = line(MAX_LINE, true, false); !line.isEmpty(); ) {
      if (++fields > MAX_FIELDS) {
        throw new AdapterFailure(
            Reason.RESPONSE_TOO_LARGE,
            "the response has more than " + MAX_FIELDS + " header fields");
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw malformed("obsolete line folding in the header section");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        throw malformed("a header line is not name: value");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = trimOws(line.substring(colon + 1));
      if (name.equals("content-length")) {
        for (String element : value.split(",", -1)) {
          String n = trimOws(element);
          if (!DIGITS.matcher(n).matches()) {
            throw malformed("Content-Length is not a number");
          }
          long length = Long.parseLong(n);
          if (contentLength >= 0 && contentLength != length) {
            throw malformed("Content-Length values differ");
          }
          contentLength = length;
        }
      } else if (name.equals("transfer-encoding")) {
        for (String coding : value.split(",", -1)) {
          chunkedOnly &= !transferEncoding && trimOws(coding).equalsIgnoreCase("chunked");
          transferEncoding = true;
        }
      }
      line = line(MAX_LINE, true, false);
    }
    if (transferEncoding && contentLength >= 0) {
      throw malformed("both Transfer-Encoding and Content-Length");
    }
    if (transferEncoding && !chunkedOnly) {
      throw malformed("a transfer coding other than a single chunked");
    }
    return new Head(status, contentLength, transferEncoding);
  }

  private byte[] body(Head head) throws IOException, AdapterFailure {
    if (head.chunked()) {
      return chunked();
    }
    if (head.contentLength() >= 0) {
      if (head.contentLength() > maxBody) {
        throw tooLarge("the response declares a body of " + head.contentLength() + " bytes, more");
      }
      int n = (int) head.contentLength();
      byte[] body = in.readNBytes(n);
      if (body.length < n) {
        throw endedEarly();
      }
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      if (out.size() + (long) n > maxBody) {
        throw tooLarge("the response body is longer");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private byte[] chunked() throws IOException, AdapterFailure {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(MAX_CHUNK_LINE, false, false);
      int semicolon = sizeLine.indexOf(';');
      String hex = trimOws(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon));
      if (!HEX.matcher(hex).matches()) {
        throw malformed("a chunk size is not hexadecimal");
      }
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        break;
      }
      if (out.size() + size > maxBody) {
        throw tooLarge("the response body is longer");
      }
      byte[] data = in.readNBytes((int) size);
      if (data.length < size) {
        throw endedEarly();
      }
      out.write(data);
      if (!line(MAX_CHUNK_LINE, false, false).isEmpty()) {
        throw malformed("chunk data is not followed by CRLF");
      }
    }
    // The trailer section: read past and ignored, within the header limits.
    int fields = 0;
    for (String t = line(MAX_LINE, true, false); !t.isEmpty(); t = line(MAX_LINE, true, false)) {
      if (++fields > MAX_FIELDS) {
        throw new AdapterFailure(
            Reason.RESPONSE_TOO_LARGE, "the response has more than " + MAX_FIELDS + " trailers");
      }
    }
    return out.toByteArray();
  }

  /** One line without its LF and an optional CR before it, as ISO-8859-1. */
  private String line(int max, boolean head, boolean statusLine)
      throws IOException, AdapterFailure {
    StringBuilder out = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (statusLine && out.isEmpty()) {
          throw new AdapterFailure(
              Reason.IO_ERROR, "the upstream closed the connection without answering");
        }
        throw endedEarly();
      }
      if (head && ++headBytes > MAX_HEAD) {
        throw new AdapterFailure(
            Reason.RESPONSE_TOO_LARGE,
            "the response's header sections exceed " + MAX_HEAD + " bytes");
      }
      if (b == '\n') {
        break;
      }
      if (out.length() >= max) {
        throw new AdapterFailure(
            Reason.RESPONSE_TOO_LARGE, "a line of the response exceeds " + max + " bytes");
      }
      out.append((char) b);
    }
    int end = out.length();
    return end > 0 && out.charAt(end - 1) == '\r' ? out.substring(0, end - 1) : out.toString();
  }

  private static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  private AdapterFailure tooLarge(String what) {
    return new AdapterFailure(
        Reason.RESPONSE_TOO_LARGE, what + " than max_response_bytes " + maxBody + " allows");
  }

  private static AdapterFailure malformed(String what) {
    return new AdapterFailure(Reason.IO_ERROR, "malformed response: " + what);
  }

  private static AdapterFailure endedEarly() {
    return new AdapterFailure(Reason.IO_ERROR, "the response ended early: the connection closed");
  }
}
