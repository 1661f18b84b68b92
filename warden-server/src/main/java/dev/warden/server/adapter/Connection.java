package dev.warden.server.adapter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection to an upstream, opened to an address the caller already checked: TCP to each
 * address in turn until one accepts, then, for {@code https}, TLS over that socket with the
 * configured host name for SNI and for certificate hostname verification (RFC 2818 / RFC 6125, as
 * the JDK's {@code HTTPS} endpoint identification does). Nothing here resolves a name.
 *
 * @param raw the TCP socket (closing it unblocks any read or write)
 * @param io the socket to write the request to and read the response from: {@code raw}, or TLS over
 *     it
 */
record Connection(Socket raw, Socket io) implements AutoCloseable {

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /**
   * @throws AdapterFailure {@link Outcome.Reason#CONNECT_FAILED} if no address accepted a
   *     connection within {@code connectTimeout} or the TLS handshake failed or took longer than
   *     that; no request byte was sent
   */
  static Connection open(
      List<InetAddress> addresses, UrlTemplate url, Duration connectTimeout, SSLSocketFactory tls)
      throws AdapterFailure {
    int timeout = Math.toIntExact(connectTimeout.toMillis());
    Socket raw = tcp(addresses, url, timeout);
    if (!url.tls()) {
      return new Connection(raw, raw);
    }
    String host = url.hostToResolve();
    try {
      SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, url.port(), true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!url.host().startsWith("[") && !IPV4.matcher(host).matches()) {
        params.setServerNames(List.of(new SNIHostName(host)));
      }
      ssl.setSSLParameters(params);
      raw.setSoTimeout(timeout);
      ssl.startHandshake();
      return new Connection(raw, ssl);
    } catch (SocketTimeoutException e) {
      closeQuietly(raw);
      throw new AdapterFailure(
          Outcome.Reason.CONNECT_FAILED,
          "TLS handshake with " + url.hostHeader() + " took longer than " + timeout + " ms",
          e);
    } catch (IOException | IllegalArgumentException e) {
      closeQuietly(raw);
      throw new AdapterFailure(
          Outcome.Reason.CONNECT_FAILED,
          "TLS handshake with " + url.hostHeader() + " failed: " + e.getMessage(),
          e);
    }
  }

  private static Socket tcp(List<InetAddress> addresses, UrlTemplate url, int timeout)
      throws AdapterFailure {
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(a, url.port()), timeout);
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        last = e;
      }
    }
    String why =
        last instanceof SocketTimeoutException
            ? "no connection within " + timeout + " ms"
            : String.valueOf(last == null ? "no address" : last.getMessage());
    throw new AdapterFailure(
        Outcome.Reason.CONNECT_FAILED,
        "cannot connect to " + url.hostHeader() + " (" + addresses.size() + " address(es)): " + why,
        last);
  }

  /**
   * Closes the TCP socket, then the TLS one. No TLS close_notify is sent first: that write could
   * block on a peer that stopped reading, and the connection carried one exchange whose end the
   * response framing already told.
   */
  @Override
  public void close() {
    closeQuietly(raw);
    closeQuietly(io);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // The connection is being abandoned; nothing more to do.
    }
  }
}
