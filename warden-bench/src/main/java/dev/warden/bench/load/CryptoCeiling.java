package dev.warden.bench.load;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The crypto ceiling of SPEC §19: how many (one Ed25519 verify + one Ed25519 sign) pairs per second
 * this machine does on all its cores, with BouncyCastle, as Warden does them. A decision costs at
 * least that pair (the agent's signature, the receipt), so no server can decide faster.
 */
public final class CryptoCeiling {
  private CryptoCeiling() {}

  /** Runs the pair on {@code threads} threads for {@code duration}; pairs per second in total. */
  public static double measure(Duration duration, int threads) throws InterruptedException {
    SecureRandom random = new SecureRandom();
    Ed25519PrivateKeyParameters agent = new Ed25519PrivateKeyParameters(random);
    Ed25519PublicKeyParameters agentPublic = agent.generatePublicKey();
    Ed25519PrivateKeyParameters warden = new Ed25519PrivateKeyParameters(random);
    // About the size of a signature base and of a receipt's signing input.
    byte[] base = new byte[300];
    byte[] receipt = new byte[700];
    random.nextBytes(base);
    random.nextBytes(receipt);
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, agent);
    s.update(base, 0, base.length);
    byte[] signature = s.generateSignature();

    // Warm up the JIT on every thread first (3 s), so the measured threads run compiled code.
    run(threads, agentPublic, warden, base, receipt, signature, Duration.ofSeconds(3));
    return run(threads, agentPublic, warden, base, receipt, signature, duration);
  }

  private static double run(
      int threads,
      Ed25519PublicKeyParameters agentPublic,
      Ed25519PrivateKeyParameters warden,
      byte[] base,
      byte[] receipt,
      byte[] signature,
      Duration duration)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      workers.add(
          Thread.ofPlatform()
              .start(() -> done.add(pairs(agentPublic, warden, base, receipt, signature, end))));
    }
    for (Thread t : workers) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return done.sum() / seconds;
  }

  private static long pairs(
      Ed25519PublicKeyParameters verifyKey,
      Ed25519PrivateKeyParameters signKey,
      byte[] base,
      byte[] receipt,
      byte[] signature,
      long until) {
    Ed25519Signer verifier = new Ed25519Signer();
    Ed25519Signer signer = new Ed25519Signer();
    long n = 0;
    while (System.nanoTime() < until) {
      verifier.init(false, verifyKey);
      verifier.update(base, 0, base.length);
      if (!verifier.verifySignature(signature)) {
        throw new IllegalStateException("a valid signature did not verify");
      }
      signer.init(true, signKey);
      signer.update(receipt, 0, receipt.length);
      signer.generateSignature();
      n++;
    }
    return n;
  }
}
