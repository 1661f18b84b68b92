package dev.warden.server.http;

import dev.warden.crypto.KeyFiles;
import dev.warden.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS from PEM files: a certificate chain and an unencrypted PKCS#8 private key (RSA, EC, Ed25519).
 */
final class Tls {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Tls() {}

  static SslContextFactory.Server contextFactory(ServerConfig cfg) {
    Path certFile = Objects.requireNonNull(cfg.tlsCert());
    Path keyFile = Objects.requireNonNull(cfg.tlsKey());
    try {
      Certificate[] chain =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile)))
              .toArray(new Certificate[0]);
      if (chain.length == 0) {
        throw new IOException(certFile + " holds no certificate");
      }
      PrivateKey key =
          privateKey(new String(KeyFiles.readChecked(keyFile), StandardCharsets.US_ASCII), keyFile);
      byte[] pw = new byte[16];
      new SecureRandom().nextBytes(pw);
      char[] password = HexFormat.of().formatHex(pw).toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("warden", key, password, chain);
      SslContextFactory.Server f = new SslContextFactory.Server();
      f.setKeyStore(ks);
      f.setKeyStorePassword(new String(password));
      f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException("TLS: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "TLS: cannot use " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(String pem, Path file) throws IOException {
    Matcher m = KEY.matcher(pem);
    if (!m.find()) {
      throw new IOException(
          file + " must hold an unencrypted PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(file + ": the key is not RSA, EC or Ed25519");
  }
}
