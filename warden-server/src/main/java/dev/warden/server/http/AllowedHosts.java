package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} names agents may address this Warden by. The agent signs {@code @target-uri},
 * which includes the host; refusing every other Host (before authentication) means a request signed
 * for another server — another Warden that knows the same agent key — cannot be replayed here. On a
 * loopback address the loopback names with the connection's port are always allowed; {@code hosts}
 * in warden.yaml adds names, as {@code name} (any port) or {@code name:port}.
 */
public final class AllowedHosts {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

  private final List<String> configured;
  private final boolean loopback;

  public AllowedHosts(List<String> configured, boolean loopback) {
    this.configured = configured.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    this.loopback = loopback;
  }

  /**
   * @param host the request's Host header
   * @param localPort the port the connection arrived on
   * @throws RequestRejected {@code request.invalid_header} naming the setting
   */
  public void check(String host, int localPort) throws RequestRejected {
    String h = host.strip().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    boolean hasPort = colon > h.lastIndexOf(']');
    String name = hasPort ? h.substring(0, colon) : h;
    String port = hasPort ? h.substring(colon + 1) : "";
    if (loopback && LOOPBACK.contains(name) && port.equals(Integer.toString(localPort))) {
      return;
    }
    for (String c : configured) {
      if (c.equals(h) || c.equals(name)) {
        return;
      }
    }
    throw new RequestRejected(
        ErrorCode.REQUEST_INVALID_HEADER,
        "Host "
            + (h.length() > 100 ? h.substring(0, 100) + "…" : h)
            + " is not a name of this Warden; add it to hosts in warden.yaml if agents use it");
  }
}
