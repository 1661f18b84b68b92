package dev.warden.server.adapter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name (or an IP literal) into the addresses to connect to. */
@FunctionalInterface
interface HostResolver {

  /**
   * @return at least one address
   * @throws UnknownHostException if the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The JDK resolver ({@link InetAddress#getAllByName}, with its cache). */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
