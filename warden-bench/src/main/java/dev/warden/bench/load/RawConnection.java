package dev.warden.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that sends pre-built requests and reads whole answers, with as
 * little client work as possible (no parsing beyond the status line, {@code Content-Length} and
 * {@code Connection: close}). Not thread-safe: one per load thread.
 */
final class RawConnection implements AutoCloseable {
  private static final int MAX_HEADER_LINE = 16 * 1024;

  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawConnection(InetSocketAddress address) throws IOException {
    this.address = address;
    open();
  }

  private void open() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 5_000);
    socket.setSoTimeout(60_000);
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
  }

  /** An answer: the status and the body. */
  record Answer(int status, byte[] body) {}

  /** Sends {@code request} and reads the answer; reconnects once if the server closed. */
  Answer exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return read();
  }

  private Answer read() throws IOException {
    String status = line();
    if (status.length() < 12 || !status.startsWith("HTTP/1.1 ")) {
      throw new IOException("not an HTTP/1.1 answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean close = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        close = true;
      } else if (name.equals("transfer-encoding")) {
        throw new IOException("chunked answers are not expected from Warden's API");
      }
    }
    byte[] body = length <= 0 ? new byte[0] : in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("the answer ended early");
    }
    if (close) {
      close();
      open();
    }
    return new Answer(code, body);
  }

  private final byte[] lineBuffer = new byte[MAX_HEADER_LINE];

  private String line() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (b == '\n') {
        int end = n > 0 && lineBuffer[n - 1] == '\r' ? n - 1 : n;
        return new String(lineBuffer, 0, end, StandardCharsets.ISO_8859_1);
      }
      if (n == lineBuffer.length) {
        throw new IOException("header line too long");
      }
      lineBuffer[n++] = (byte) b;
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
