package dev.warden.server.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.crypto.Ed25519Signer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Ed25519 keys in a real SoftHSM2 token, through Warden's own binding. */
@ResourceLock(SoftHsm.LOCK)
class TokenSignerTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] MESSAGE = "a checkpoint body\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void generatedKeySignsInTheTokenAndNeverLeavesIt() throws Exception {
    TokenKey cfg = SoftHsm.key("gen");
    try (TokenSigner signer = TokenSigner.generate(cfg, Map.<String, String>of()::get, RANDOM)) {
      byte[] sig = signer.sign(MESSAGE);
      assertThat(Ed25519.verify(sig, 0, signer.publicKey(), 0, MESSAGE, 0, MESSAGE.length))
          .isTrue();
      assertThat(SoftHsm.privateKeyFlags(cfg))
          .containsExactly(true, false, true, true); // sensitive, extractable, always, never
    }
    // Opened again by label: the same key, read from the token.
    try (TokenSigner a = TokenSigner.generate(SoftHsm.key("other"), k -> null, RANDOM);
        TokenSigner b = TokenSigner.open(cfg, k -> null, null)) {
      assertThat(b.publicKey()).isNotEqualTo(a.publicKey());
      byte[] sig = b.sign(MESSAGE);
      assertThat(Ed25519.verify(sig, 0, b.publicKey(), 0, MESSAGE, 0, MESSAGE.length)).isTrue();
    }
  }

  @Test
  void manyThreadsSignAtOnce() throws Exception {
    try (TokenSigner signer = TokenSigner.generate(SoftHsm.key("threads"), k -> null, RANDOM)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<byte[]>> sigs =
            java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> pool.submit(() -> signer.sign(("m" + i).getBytes())))
                .toList();
        for (int i = 0; i < sigs.size(); i++) {
          byte[] m = ("m" + i).getBytes();
          assertThat(Ed25519.verify(sigs.get(i).get(), 0, signer.publicKey(), 0, m, 0, m.length))
              .isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void missingTokenKeyOrLibraryIsNamedWithTheFix() {
    TokenKey cfg = SoftHsm.key("absent");
    assertThatThrownBy(() -> TokenSigner.open(cfg, k -> null, null))
        .isInstanceOf(Pkcs11Exception.class)
        .hasMessageContaining("there is no Ed25519 key \"" + cfg.key() + "\"")
        .hasMessageContaining("warden keys rotate --offline --which checkpoint|receipt");
    TokenKey noToken = new TokenKey(cfg.library(), "no-such-token", cfg.key(), cfg.pin(), cfg.at());
    assertThatThrownBy(() -> TokenSigner.open(noToken, k -> null, null))
        .hasMessageContaining("no token labelled \"no-such-token\"")
        .hasMessageContaining(SoftHsm.TOKEN)
        .hasMessageContaining("softhsm2-util --init-token");
    TokenKey noLibrary =
        new TokenKey(
            java.nio.file.Path.of("/nonexistent/libpkcs11.so"),
            cfg.token(),
            cfg.key(),
            cfg.pin(),
            cfg.at());
    assertThatThrownBy(() -> TokenSigner.open(noLibrary, k -> null, null))
        .hasMessageContaining("/nonexistent/libpkcs11.so does not exist")
        .hasMessageContaining("apt-get install softhsm2");
  }

  @Test
  void aLoggedOutTokenWithAChangedPinRefusesThenRecovers() throws Exception {
    try (TokenSigner signer = TokenSigner.generate(SoftHsm.key("pin"), k -> null, RANDOM)) {
      signer.sign(MESSAGE);
      SoftHsmControl.lockOut();
      try {
        assertThatThrownBy(() -> signer.sign(MESSAGE))
            .isInstanceOf(Ed25519Signer.Unavailable.class)
            .hasMessageContaining("CKR_PIN_INCORRECT");
      } finally {
        SoftHsmControl.restore();
      }
      SoftHsmControl.logout(); // a bare logout is mended without a refusal
      byte[] sig = signer.sign(MESSAGE);
      assertThat(Ed25519.verify(sig, 0, signer.publicKey(), 0, MESSAGE, 0, MESSAGE.length))
          .isTrue();
    }
  }

  /**
   * The README's PKCS#11 signing rate: signatures per second through the token (1 and 4 threads)
   * against the in-memory key, 2 s each. Fails only if the token is unusably slow.
   */
  @Test
  void signingRate_printedForTheReadme() throws Exception {
    byte[] note = new byte[120]; // about a checkpoint body
    try (TokenSigner token = TokenSigner.generate(SoftHsm.key("rate"), k -> null, RANDOM)) {
      dev.warden.crypto.Ed25519KeyPair memory = dev.warden.crypto.Ed25519KeyPair.generate(RANDOM);
      long one = rate(() -> token.sign(note), 1);
      long four = rate(() -> token.sign(note), 4);
      long mem = rate(() -> memory.sign(note), 1);
      System.out.printf(
          "PKCS#11 signing rate: SoftHSM2 %d/s (1 thread), %d/s (4 threads); in memory %d/s"
              + " (1 thread)%n",
          one, four, mem);
      assertThat(one).isGreaterThan(20);
    }
  }

  private static long rate(Runnable sign, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    long end = System.nanoTime() + 2_000_000_000L;
    try {
      List<Future<?>> workers = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        workers.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    sign.run();
                    done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return done.get() / 2;
  }
}
