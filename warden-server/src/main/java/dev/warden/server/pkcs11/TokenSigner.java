package dev.warden.server.pkcs11;

import com.sun.jna.NativeLong;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.server.adapter.AdapterConfigException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

/**
 * An Ed25519 key in a PKCS#11 token, signing with {@code CKM_EDDSA}; the private key never leaves
 * the token. Sessions are not thread-safe, so signing borrows one of {@value #SESSIONS} for at most
 * {@value #WAIT_SECONDS} s. When a session fails, every idle one is closed and the signature is
 * tried once on a new session (the token found by label again, logged in again); if that fails too
 * it is refused ({@link Ed25519Signer.Unavailable}). A token that comes back is used again. The
 * public key is read from the token once, at open, and every new session first proves it signs for
 * that key.
 */
public final class TokenSigner implements Ed25519Signer, AutoCloseable {
  private static final int SESSIONS = 4;
  private static final long WAIT_SECONDS = 10;
  private static final byte[] PROBE = "warden token key check".getBytes(StandardCharsets.UTF_8);

  private final Pkcs11Library library;
  private final TokenKey config;
  private final byte[] pin;
  private final byte[] id;
  private final byte[] publicKey;
  private final BlockingQueue<Lease> pool = new ArrayBlockingQueue<>(SESSIONS);
  private volatile boolean closed;

  /** A pooled session and the private key's handle in it; both null until (re)opened. */
  private static final class Lease {
    @Nullable Session session;
    @Nullable NativeLong key;

    void drop() {
      if (session != null) {
        session.close();
      }
      session = null;
      key = null;
    }
  }

  private TokenSigner(Pkcs11Library library, TokenKey config, byte[] pin, byte[] id, byte[] pub) {
    this.library = library;
    this.config = config;
    this.pin = pin;
    this.id = id;
    this.publicKey = pub;
    for (int i = 0; i < SESSIONS; i++) {
      pool.add(new Lease());
    }
  }

  /**
   * Opens the key {@code config} names. When the token holds several Ed25519 keys with that label
   * (a rotation leaves the old ones), the one whose public key is {@code active} is used.
   *
   * @param env looks up environment variables, for the PIN
   * @param active the public key the keyring records as active, or null if it records none
   * @throws Pkcs11Exception naming the library, token or key and what to do
   */
  public static TokenSigner open(
      TokenKey config, Function<String, @Nullable String> env, byte @Nullable [] active)
      throws Pkcs11Exception, AdapterConfigException {
    byte[] pin = config.pin(env);
    Pkcs11Library library = Pkcs11Library.load(config.library());
    try (Session s = library.open(library.slot(config.token()))) {
      s.login(pin);
      List<TokenObjects.KeyPair> keys = TokenObjects.find(s, config.key());
      TokenObjects.KeyPair chosen = choose(config, keys, active);
      TokenObjects.checkKeptInside(s, chosen.privateKey(), config.describe());
      TokenSigner signer = new TokenSigner(library, config, pin, chosen.id(), chosen.publicKey());
      return signer.probed();
    }
  }

  /**
   * Generates a new Ed25519 key pair in the token, labelled as {@code config} says, and opens it.
   * Its private key is sensitive and not extractable.
   */
  public static TokenSigner generate(
      TokenKey config, Function<String, @Nullable String> env, SecureRandom random)
      throws Pkcs11Exception, AdapterConfigException {
    byte[] pin = config.pin(env);
    Pkcs11Library library = Pkcs11Library.load(config.library());
    try (Session s = library.open(library.slot(config.token()))) {
      s.login(pin);
      TokenObjects.KeyPair made = TokenObjects.generate(s, config.key(), random);
      TokenSigner signer = new TokenSigner(library, config, pin, made.id(), made.publicKey());
      return signer.probed();
    }
  }

  private static TokenObjects.KeyPair choose(
      TokenKey config, List<TokenObjects.KeyPair> keys, byte @Nullable [] active)
      throws Pkcs11Exception {
    if (keys.size() == 1 && (active == null || Arrays.equals(active, keys.get(0).publicKey()))) {
      return keys.get(0);
    }
    for (TokenObjects.KeyPair k : keys) {
      if (active != null && Arrays.equals(active, k.publicKey())) {
        return k;
      }
    }
    if (keys.isEmpty()) {
      throw new Pkcs11Exception(
          "there is no Ed25519 "
              + config.describe()
              + "; make it there, with the server stopped, by a rotation (logged): warden keys"
              + " rotate --offline --which checkpoint|receipt --data-dir DIR");
    }
    if (keys.size() == 1) {
      // A key the keyring does not know yet (the first start on this token, or a key replaced
      // outside Warden): the keyring records it at start, as it does a replaced key file.
      return keys.get(0);
    }
    throw new Pkcs11Exception(
        "the token holds "
            + keys.size()
            + " Ed25519 keys labelled \""
            + config.key()
            + "\" and none is the active key of keys/keyring.json; remove the ones not in use"
            + " (pkcs11-tool --delete-object) or label the wanted one uniquely");
  }

  /**
   * Whether the token holds an Ed25519 key labelled as {@code config} says (a rotation that moves a
   * key from its file into the token finds none yet).
   */
  public static boolean holdsKey(TokenKey config, Function<String, @Nullable String> env)
      throws Pkcs11Exception, AdapterConfigException {
    byte[] pin = config.pin(env);
    Pkcs11Library library = Pkcs11Library.load(config.library());
    try (Session s = library.open(library.slot(config.token()))) {
      s.login(pin);
      return !TokenObjects.find(s, config.key()).isEmpty();
    }
  }

  /**
   * This signer, once a first session has signed for the public key read from the token (so a
   * mismatched pair is refused); closed if it cannot.
   */
  private TokenSigner probed() throws Pkcs11Exception {
    try {
      signOrThrow(PROBE); // bind() checks the signature
      return this;
    } catch (Pkcs11Exception | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] sign(byte[] message) {
    try {
      return signOrThrow(message);
    } catch (Pkcs11Exception e) {
      throw new Unavailable(config.describe() + " cannot sign: " + e.getMessage(), e);
    }
  }

  private byte[] signOrThrow(byte[] message) throws Pkcs11Exception {
    Lease lease;
    try {
      lease = pool.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Pkcs11Exception("interrupted while waiting for a session");
    }
    if (lease == null) {
      throw new Pkcs11Exception("no session free within " + WAIT_SECONDS + " s");
    }
    try {
      if (closed) {
        throw new Pkcs11Exception("the signer is closed");
      }
      if (lease.session != null) {
        try {
          return lease.session.signEdDsa(lease.key, message);
        } catch (Pkcs11Exception e) {
          // The token may have dropped every session or login (a logout, a restart of the
          // device): forget them all, and try once on a new session before refusing.
          lease.drop();
          dropIdle();
        }
      }
      bind(lease);
      return lease.session.signEdDsa(lease.key, message);
    } catch (Pkcs11Exception | RuntimeException e) {
      lease.drop();
      throw e;
    } finally {
      if (closed) {
        lease.drop();
      }
      pool.add(lease);
    }
  }

  private void dropIdle() {
    List<Lease> idle = new java.util.ArrayList<>();
    pool.drainTo(idle); // a lease in use is dropped by its user if it fails
    idle.forEach(Lease::drop);
    pool.addAll(idle);
  }

  /** Opens a session for {@code lease}: the token found by label again, logged in, key found. */
  private void bind(Lease lease) throws Pkcs11Exception {
    Session s = library.open(library.slot(config.token()));
    try {
      s.login(pin);
      NativeLong key = TokenObjects.privateKey(s, config.key(), id);
      byte[] signature = s.signEdDsa(key, PROBE);
      if (!Ed25519.verify(signature, 0, publicKey, 0, PROBE, 0, PROBE.length)) {
        throw new Pkcs11Exception(
            config.describe() + " no longer signs for the public key read at start");
      }
      lease.session = s;
      lease.key = key;
    } catch (Pkcs11Exception | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Removes this key pair from the token (a rotation whose log entry could not be written) and
   * closes the signer.
   */
  public void destroy() throws Pkcs11Exception {
    try (Session s = library.open(library.slot(config.token()))) {
      s.login(pin);
      TokenObjects.destroy(s, config.key(), id);
    } finally {
      close();
    }
  }

  /** Closes the pooled sessions; signing afterwards is refused. The library stays loaded. */
  @Override
  public void close() {
    closed = true;
    dropIdle(); // a lease in use is dropped when it comes back
  }

  @Override
  public String toString() {
    return "TokenSigner[" + config.describe() + "]";
  }
}
