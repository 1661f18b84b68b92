package dev.warden.id;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * ULID generator (https://github.com/ulid/spec): 48-bit milliseconds and 80 random bits, Crockford
 * base32, 26 characters. Monotonic: within one millisecond the random part is incremented, so ids
 * from one generator sort in creation order. Thread-safe.
 */
public final class Ulid {
  public static final Pattern PATTERN = Pattern.compile("^[0-7][0-9A-HJKMNP-TV-Z]{25}$");
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final Clock clock;
  private final SecureRandom random;
  private long lastMillis = -1;
  private long randHi; // 16 bits
  private long randLo; // 64 bits

  public Ulid(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public synchronized String next() {
    long now = clock.millis();
    if (now > lastMillis) {
      lastMillis = now;
      randHi = random.nextInt() & 0xFFFFL;
      randLo = random.nextLong();
    } else {
      // Same (or an earlier: the clock went back) millisecond: keep order by incrementing.
      randLo++;
      if (randLo == 0) {
        randHi = (randHi + 1) & 0xFFFFL;
        if (randHi == 0) {
          lastMillis++;
        }
      }
    }
    return encode(lastMillis, randHi, randLo);
  }

  static String encode(long millis, long hi16, long lo64) {
    char[] out = new char[26];
    // 128 bits = 48 time bits | 16 hi random | 64 lo random; emit 26 groups of 5 bits (2 pad bits).
    long top = (millis << 16) | hi16; // 64 bits
    long bottom = lo64;
    for (int i = 25; i >= 0; i--) {
      int idx = (int) (bottom & 31);
      out[i] = ALPHABET[idx];
      bottom = (bottom >>> 5) | (top << 59);
      top >>>= 5;
    }
    return new String(out);
  }

  public static boolean isValid(String s) {
    return PATTERN.matcher(s).matches();
  }
}
