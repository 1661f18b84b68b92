package dev.warden.note;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The set of a log's checkpoint verifier keys, as {@code GET /.well-known/warden/log-key} serves
 * it: one C2SP vkey per line, the active key first, then the older ones (so checkpoints from before
 * a rotation keep verifying). A key revoked as compromised has, after one space, {@code
 * compromised_since=<RFC 3339 UTC time>}: a checkpoint only that key signed at or after that time
 * is not to be trusted.
 *
 * <pre>
 * warden.local/log+1a2b3c4d+AcQ…
 * warden.local/log+99887766+ATx… compromised_since=2026-11-21T10:00:00Z
 * </pre>
 *
 * @param keys distinct keys, active first
 * @param compromisedSince the compromised keys and their times
 */
public record LogKeys(List<NoteVerifierKey> keys, Map<NoteVerifierKey, Instant> compromisedSince) {
  private static final String COMPROMISED = "compromised_since=";

  public LogKeys {
    keys = List.copyOf(new LinkedHashSet<>(keys));
    compromisedSince = Map.copyOf(compromisedSince);
    if (!keys.containsAll(compromisedSince.keySet())) {
      throw new IllegalArgumentException("a compromised key is not in the set");
    }
  }

  /** A set with no key compromised. */
  public static LogKeys of(List<NoteVerifierKey> keys) {
    return new LogKeys(keys, Map.of());
  }

  /**
   * Parses the set format: one vkey per line, optionally followed by one space and {@code
   * compromised_since=<RFC 3339>}; blank lines are skipped.
   *
   * @throws IllegalArgumentException naming the line and what is wrong, or if there is no key
   */
  public static LogKeys parse(String text) {
    List<NoteVerifierKey> keys = new ArrayList<>();
    Map<NoteVerifierKey, Instant> compromised = new HashMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      int space = l.indexOf(' ');
      NoteVerifierKey key;
      try {
        key = NoteVerifierKey.parse(space < 0 ? l : l.substring(0, space));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + n + ": " + e.getMessage(), e);
      }
      keys.add(key);
      if (space >= 0) {
        String rest = l.substring(space + 1).strip();
        if (!rest.startsWith(COMPROMISED)) {
          throw new IllegalArgumentException(
              "line " + n + ": after the vkey only " + COMPROMISED + "<RFC 3339> may follow");
        }
        try {
          compromised.put(key, Instant.parse(rest.substring(COMPROMISED.length())));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "line " + n + ": " + COMPROMISED + " is not an RFC 3339 UTC time", e);
        }
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no vkey in the key set");
    }
    return new LogKeys(keys, compromised);
  }

  /** The set format, one key per line, each line ending in a newline. */
  public String format() {
    StringBuilder b = new StringBuilder();
    for (NoteVerifierKey k : keys) {
      b.append(k.format());
      Instant since = compromisedSince.get(k);
      if (since != null) {
        b.append(' ').append(COMPROMISED).append(since);
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** This set and {@code other}'s keys (later duplicates dropped; compromise times merged). */
  public LogKeys plus(LogKeys other) {
    List<NoteVerifierKey> all = new ArrayList<>(keys);
    all.addAll(other.keys);
    Map<NoteVerifierKey, Instant> c = new HashMap<>(compromisedSince);
    other.compromisedSince.forEach((k, t) -> c.merge(k, t, (a, b) -> a.isBefore(b) ? a : b));
    return new LogKeys(all, c);
  }

  /**
   * If every key of this set that signed {@code signedCheckpoint} is compromised, the earliest of
   * their compromise times; empty when a key not compromised signed it (or none did).
   */
  public Optional<Instant> compromisedSigner(String signedCheckpoint) {
    if (compromisedSince.isEmpty()) {
      return Optional.empty();
    }
    List<NoteVerifierKey> signers = Checkpoint.signers(signedCheckpoint, keys);
    Instant earliest = null;
    for (NoteVerifierKey k : signers) {
      Instant since = compromisedSince.get(k);
      if (since == null) {
        return Optional.empty();
      }
      earliest = earliest == null || since.isBefore(earliest) ? since : earliest;
    }
    return Optional.ofNullable(earliest);
  }

  /** The keys' vkeys, for messages. */
  public Set<String> formatted() {
    Set<String> out = new LinkedHashSet<>();
    keys.forEach(k -> out.add(k.format()));
    return out;
  }
}
