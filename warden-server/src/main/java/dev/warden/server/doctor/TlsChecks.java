package dev.warden.server.doctor;

import dev.warden.server.ServerConfig;
import dev.warden.server.http.Tls;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS files: they load and match, and no certificate is expired, not yet valid or near its end.
 */
final class TlsChecks {
  /** A certificate ending sooner than this is a warning: time to renew it. */
  static final Duration RENEW_WITHIN = Duration.ofDays(30);

  private TlsChecks() {}

  static List<Finding> check(ServerConfig cfg, Clock clock) {
    if (!cfg.tls()) {
      return List.of(Finding.ok("tls", "not configured"));
    }
    List<Tls.FileCertificate> certs;
    try {
      certs = Tls.certificates(cfg);
    } catch (IOException e) {
      return List.of(Finding.fail("tls", Doctor.message(e)));
    }
    Instant now = clock.instant();
    List<Finding> out = new ArrayList<>();
    for (Tls.FileCertificate c : certs) {
      Instant notBefore = c.certificate().getNotBefore().toInstant();
      Instant notAfter = c.certificate().getNotAfter().toInstant();
      String what = c.file() + " (" + c.certificate().getSubjectX500Principal().getName() + ")";
      String fix = "; replace the file (Warden reloads it without a restart, or on SIGHUP)";
      if (now.isAfter(notAfter)) {
        out.add(Finding.fail("tls", what + " expired at " + notAfter + fix));
      } else if (now.isBefore(notBefore)) {
        out.add(
            Finding.fail(
                "tls", what + " is not valid until " + notBefore + " (check the clock)" + fix));
      } else if (Duration.between(now, notAfter).compareTo(RENEW_WITHIN) < 0) {
        out.add(
            Finding.warn(
                "tls",
                what
                    + " expires at "
                    + notAfter
                    + ", in "
                    + Duration.between(now, notAfter).toHours()
                    + " h"
                    + fix));
      }
    }
    if (out.isEmpty()) {
      out.add(
          Finding.ok(
              "tls",
              certs.size()
                  + " certificate(s) valid for "
                  + RENEW_WITHIN.toDays()
                  + " days or more; the key matches "
                  + cfg.tlsCert()));
    }
    return out;
  }
}
