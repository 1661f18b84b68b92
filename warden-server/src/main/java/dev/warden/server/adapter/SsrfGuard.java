package dev.warden.server.adapter;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which addresses an {@code http} adapter may connect to: the server-side request forgery (SSRF)
 * defence. The adapter resolves the host itself, checks <em>every</em> address here, and then
 * connects only to those addresses (see {@link HttpAdapter}), so a DNS answer cannot change between
 * the check and the connection.
 *
 * <p>Refused unless {@code allow_private: true}: loopback (127.0.0.0/8, ::1), private (10.0.0.0/8,
 * 172.16.0.0/12, 192.168.0.0/16, fc00::/7, the deprecated site-local fec0::/10, the local-use NAT64
 * prefix 64:ff9b:1::/48), link-local (169.254.0.0/16 with the cloud metadata address
 * 169.254.169.254, fe80::/10) and shared CGNAT space (100.64.0.0/10). Always refused: unspecified
 * ("this network" 0.0.0.0/8, ::), multicast (224.0.0.0/4, ff00::/8) and reserved (240.0.0.0/4, with
 * the broadcast address). An IPv6 address that embeds an IPv4 one — IPv4-mapped ::ffff:0:0/96,
 * IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16 — is judged by the IPv4 address.
 *
 * <p>Not guaranteed: that a public address is outside your network (a public range routed
 * internally, a Teredo address, or an upstream that itself forwards requests inward). Allow-list
 * upstreams by configuring their URLs; this guard only keeps templates and DNS from reaching the
 * addresses above.
 */
final class SsrfGuard {

  /** What an address is, as far as this guard cares. */
  enum Kind {
    PUBLIC("a public address", true),
    LOOPBACK("a loopback address", true),
    PRIVATE("a private address", true),
    LINK_LOCAL("a link-local address (cloud metadata services live here)", true),
    SHARED("a shared (CGNAT, 100.64.0.0/10) address", true),
    UNSPECIFIED("an unspecified address", false),
    MULTICAST("a multicast address", false),
    RESERVED("a reserved or broadcast address", false);

    final String description;
    final boolean allowable;

    Kind(String description, boolean allowable) {
      this.description = description;
      this.allowable = allowable;
    }
  }

  private SsrfGuard() {}

  /**
   * Refuses the destination unless every address of {@code host} may be called.
   *
   * @throws AdapterFailure with {@link Outcome.Reason#DESTINATION_REFUSED}, naming the host, the
   *     refused address and why
   */
  static void check(String host, List<InetAddress> addresses, boolean allowPrivate)
      throws AdapterFailure {
    for (InetAddress a : addresses) {
      Kind kind = classify(a);
      if (kind == Kind.PUBLIC || (allowPrivate && kind.allowable)) {
        continue;
      }
      String all =
          addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
      throw new AdapterFailure(
          Outcome.Reason.DESTINATION_REFUSED,
          host
              + " resolves to "
              + a.getHostAddress()
              + ", "
              + kind.description
              + " (all addresses: "
              + all
              + "); "
              + (kind.allowable
                  ? "set allow_private: true on the adapter if it is meant to call it"
                  : "no adapter may call it"));
    }
  }

  static Kind classify(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? ipv4(b, 0) : ipv6(b);
  }

  private static Kind ipv4(byte[] b, int at) {
    int o0 = b[at] & 0xff;
    int o1 = b[at + 1] & 0xff;
    if (o0 == 0) {
      return Kind.UNSPECIFIED;
    }
    if (o0 == 127) {
      return Kind.LOOPBACK;
    }
    if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
      return Kind.PRIVATE;
    }
    if (o0 == 169 && o1 == 254) {
      return Kind.LINK_LOCAL;
    }
    if (o0 == 100 && (o1 & 0xc0) == 64) {
      return Kind.SHARED;
    }
    if ((o0 & 0xf0) == 224) {
      return Kind.MULTICAST;
    }
    if ((o0 & 0xf0) == 240) {
      return Kind.RESERVED;
    }
    return Kind.PUBLIC;
  }

  private static Kind ipv6(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    if (zero(b, 0, 16)) {
      return Kind.UNSPECIFIED;
    }
    if (zero(b, 0, 15) && b[15] == 1) {
      return Kind.LOOPBACK;
    }
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return ipv4(b, 12); // IPv4-mapped
    }
    if (zero(b, 0, 12)) {
      return ipv4(b, 12); // IPv4-compatible (deprecated)
    }
    if (o0 == 0x00 && o1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      if (zero(b, 4, 12)) {
        return ipv4(b, 12); // NAT64 well-known prefix, RFC 6052
      }
      if (b[4] == 0 && b[5] == 1) {
        return Kind.PRIVATE; // NAT64 local-use prefix, RFC 8215
      }
    }
    if (o0 == 0x20 && o1 == 0x02) {
      return ipv4(b, 2); // 6to4, RFC 3056
    }
    if ((o0 & 0xfe) == 0xfc) {
      return Kind.PRIVATE; // unique local
    }
    if (o0 == 0xfe && (o1 & 0xc0) == 0x80) {
      return Kind.LINK_LOCAL;
    }
    if (o0 == 0xfe && (o1 & 0xc0) == 0xc0) {
      return Kind.PRIVATE; // site-local, deprecated by RFC 3879
    }
    if (o0 == 0xff) {
      return Kind.MULTICAST;
    }
    return Kind.PUBLIC;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
