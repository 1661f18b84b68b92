package dev.warden.server.http;

import dev.warden.crypto.Digests;
import dev.warden.crypto.KeyFiles;
import dev.warden.server.ServerConfig;
import dev.warden.server.operator.ClientCertificates;
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
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS from PEM files: a certificate chain and an unencrypted PKCS#8 private key (RSA, EC, Ed25519),
 * and optionally a PEM bundle of CAs that client certificates must chain to (mTLS). {@link
 * TlsReloader} reads them again when they change.
 */
public final class Tls {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Tls() {}

  /** What the PEM files hold, ready for Jetty. */
  record Material(KeyStore keyStore, String password, @Nullable KeyStore trustStore) {}

  static SslContextFactory.Server contextFactory(ServerConfig cfg) {
    Material m;
    try {
      m = load(cfg);
    } catch (IOException e) {
      throw new UncheckedIOException("TLS: " + e.getMessage(), e);
    }
    SslContextFactory.Server f = new SslContextFactory.Server();
    apply(f, m);
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    f.setRenegotiationAllowed(false);
    ClientCertificates clients = cfg.clientCertificates();
    switch (clients.mode()) {
      case NEED -> f.setNeedClientAuth(true);
      case WANT -> f.setWantClientAuth(true);
      case NONE -> {}
    }
    return f;
  }

  static void apply(SslContextFactory f, Material m) {
    f.setKeyStore(m.keyStore());
    f.setKeyStorePassword(m.password());
    if (m.trustStore() != null) {
      f.setTrustStore(m.trustStore());
    }
  }

  /** Reads and checks every TLS file of {@code cfg}; throws naming the file at fault. */
  static Material load(ServerConfig cfg) throws IOException {
    Path certFile = Objects.requireNonNull(cfg.tlsCert());
    Path keyFile = Objects.requireNonNull(cfg.tlsKey());
    try {
      Certificate[] chain = certificates(certFile);
      PrivateKey key =
          privateKey(new String(KeyFiles.readChecked(keyFile), StandardCharsets.US_ASCII), keyFile);
      if (!matches(chain[0], key)) {
        throw new IOException(
            keyFile + " is not the private key of the certificate in " + certFile);
      }
      byte[] pw = new byte[16];
      new SecureRandom().nextBytes(pw);
      char[] password = HexFormat.of().formatHex(pw).toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("warden", key, password, chain);
      KeyStore trust = null;
      Path ca = cfg.clientCertificates().ca();
      if (ca != null) {
        Certificate[] cas = certificates(ca);
        trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.length; i++) {
          trust.setCertificateEntry("client-ca-" + i, cas[i]);
        }
      }
      return new Material(ks, new String(password), trust);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  /** A certificate and the file it came from. */
  public record FileCertificate(Path file, X509Certificate certificate) {}

  /**
   * Every certificate of {@code cfg}'s TLS files — the server's chain, then the client CAs — after
   * the checks made at start (the key matches the chain's first certificate). For {@code warden
   * doctor}.
   *
   * @throws IOException naming the file at fault
   */
  public static List<FileCertificate> certificates(ServerConfig cfg) throws IOException {
    load(cfg);
    List<FileCertificate> out = new ArrayList<>();
    Path ca = cfg.clientCertificates().ca();
    try {
      for (Path file : ca == null ? List.of(cfg.tlsCert()) : List.of(cfg.tlsCert(), ca)) {
        for (Certificate c : certificates(Objects.requireNonNull(file))) {
          if (c instanceof X509Certificate x) {
            out.add(new FileCertificate(file, x));
          }
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(e.getMessage(), e);
    }
    return out;
  }

  /** A digest of the TLS files' bytes, to notice a change (mtimes can be too coarse). */
  static byte[] fingerprint(ServerConfig cfg) throws IOException {
    Path ca = cfg.clientCertificates().ca();
    return Digests.sha256(
        Files.readAllBytes(Objects.requireNonNull(cfg.tlsCert())),
        Digests.sha256(Files.readAllBytes(Objects.requireNonNull(cfg.tlsKey()))),
        ca == null ? new byte[0] : Files.readAllBytes(ca));
  }

  private static Certificate[] certificates(Path file)
      throws IOException, GeneralSecurityException {
    Certificate[] chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))
            .toArray(new Certificate[0]);
    if (chain.length == 0) {
      throw new IOException(file + " holds no certificate");
    }
    return chain;
  }

  /** Whether {@code key} belongs to {@code cert}: sign a test message and verify it. */
  private static boolean matches(Certificate cert, PrivateKey key) throws GeneralSecurityException {
    String alg =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm(); // Ed25519, EdDSA
        };
    byte[] probe = "warden tls key check".getBytes(StandardCharsets.US_ASCII);
    java.security.Signature s = java.security.Signature.getInstance(alg);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    java.security.Signature v = java.security.Signature.getInstance(alg);
    try {
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (java.security.InvalidKeyException e) {
      return false;
    }
  }

  private static PrivateKey privateKey(String pem, Path file) throws IOException {
    Matcher m = KEY.matcher(pem);
    if (!m.find()) {
      throw new IOException(
          file + " must hold an unencrypted PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
    try {
      for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
        try {
          return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // try the next algorithm
        }
      }
    } finally {
      Arrays.fill(der, (byte) 0);
    }
    throw new IOException(file + ": the key is not RSA, EC or Ed25519");
  }

  /** The leaf client certificate the TLS handshake verified, if the connection has one. */
  static @Nullable X509Certificate clientCertificate(jakarta.servlet.ServletRequest req) {
    Object attr = req.getAttribute("jakarta.servlet.request.X509Certificate");
    if (attr instanceof X509Certificate[] chain && chain.length > 0) {
      return chain[0];
    }
    return null;
  }
}
