package dev.warden.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {
  private static void refused(AllowedHosts a, String host, int port) {
    assertThatThrownBy(() -> a.check(host, port))
        .as(host)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.REQUEST_INVALID_HEADER);
              assertThat(r.detail()).contains("hosts in warden.yaml");
            });
  }

  @Test
  void check_loopbackNamesWithTheConnectionsPort_allowed() {
    AllowedHosts a = new AllowedHosts(List.of(), true);
    for (String h :
        new String[] {"127.0.0.1:8421", "localhost:8421", "LOCALHOST:8421", "[::1]:8421"}) {
      assertThatCode(() -> a.check(h, 8421)).as(h).doesNotThrowAnyException();
    }
  }

  @Test
  void check_otherPortOrOtherName_refused() {
    AllowedHosts a = new AllowedHosts(List.of(), true);
    refused(a, "127.0.0.1:9999", 8421);
    refused(a, "127.0.0.1", 8421);
    refused(a, "evil.example:8421", 8421);
    refused(a, "127.0.0.1.evil.example:8421", 8421);
  }

  @Test
  void check_configuredNames_withOrWithoutPort() {
    AllowedHosts a = new AllowedHosts(List.of("Warden.Example.com", "api.example.com:8443"), false);
    assertThatCode(() -> a.check("warden.example.com", 443)).doesNotThrowAnyException();
    assertThatCode(() -> a.check("warden.example.com:443", 443)).doesNotThrowAnyException();
    assertThatCode(() -> a.check("api.example.com:8443", 8443)).doesNotThrowAnyException();
    refused(a, "api.example.com:9443", 9443);
    refused(a, "api.example.com", 443);
    refused(a, "127.0.0.1:443", 443); // not on loopback: loopback names are not implied
  }
}
