package dev.warden.note;

import dev.warden.log.MerkleHasher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A transparency log checkpoint (c2sp.org/tlog-checkpoint §Note text): the origin, the tree size
 * and the RFC 6962 root hash, one per line, then optional extension lines; carried as the text of a
 * signed note.
 *
 * @param origin the log's identity, non-empty; Warden signs with a key of the same name
 * @param size the number of leaves, at least 0
 * @param root the 32-byte root hash of the tree of {@code size} leaves
 * @param extensions extension lines, each non-empty (the spec advises against them)
 */
public record Checkpoint(String origin, long size, byte[] root, List<String> extensions) {

  /**
   * @throws IllegalArgumentException if a line is empty or holds a newline or control character,
   *     the size is negative or the root is not 32 bytes
   */
  public Checkpoint {
    requireLine(origin, "origin");
    if (size < 0) {
      throw new IllegalArgumentException("checkpoint size " + size + " is negative");
    }
    if (root.length != MerkleHasher.HASH_SIZE) {
      throw new IllegalArgumentException("checkpoint root is " + root.length + " bytes, not 32");
    }
    root = root.clone();
    extensions = List.copyOf(extensions);
    for (String e : extensions) {
      requireLine(e, "extension line");
    }
  }

  /** A checkpoint without extension lines. */
  public Checkpoint(String origin, long size, byte[] root) {
    this(origin, size, root, List.of());
  }

  /** The note text: {@code origin\nsize\nbase64(root)\n} and each extension line with newline. */
  public String body() {
    StringBuilder out = new StringBuilder(origin.length() + 80);
    out.append(origin).append('\n').append(size).append('\n');
    out.append(NoteText.base64(root)).append('\n');
    for (String e : extensions) {
      out.append(e).append('\n');
    }
    return out.toString();
  }

  /**
   * Parses a checkpoint's note text strictly: at least three non-empty lines ending in newline, a
   * decimal size without sign or leading zero, a root in canonical padded base64 of 32 bytes.
   *
   * @throws NoteException {@code MALFORMED}, naming the line
   */
  public static Checkpoint parse(String text) throws NoteException {
    String problem = SignedNote.textProblem(text);
    if (problem != null) {
      throw NoteException.malformed("checkpoint: " + problem);
    }
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    lines.remove(lines.size() - 1); // the empty string after the final newline
    if (lines.size() < 3) {
      throw NoteException.malformed("checkpoint has " + lines.size() + " lines, not at least 3");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        throw NoteException.malformed("checkpoint line " + (i + 1) + " is empty");
      }
    }
    long size = NoteText.decimal(lines.get(1));
    if (size < 0) {
      throw NoteException.malformed(
          "checkpoint size (line 2) is not a decimal without sign or leading zero");
    }
    byte[] root = NoteText.base64(lines.get(2));
    if (root == null || root.length != MerkleHasher.HASH_SIZE) {
      throw NoteException.malformed("checkpoint root (line 3) is not canonical base64 of 32 bytes");
    }
    return new Checkpoint(lines.get(0), size, root, lines.subList(3, lines.size()));
  }

  /**
   * Opens a signed checkpoint: parses the note, verifies it with {@code logKeys}, parses its text,
   * and checks that a verified key is named as the origin (tlog-proof §Verifying, step 2: signed by
   * a log key configured for that origin).
   *
   * @throws NoteException {@code MALFORMED}, {@code BAD_SIGNATURE}, or {@code UNKNOWN_KEY} when no
   *     trusted key, or none named as the origin, signed it
   */
  public static Checkpoint open(String signedNote, List<NoteVerifierKey> logKeys)
      throws NoteException {
    SignedNote note = SignedNote.parse(signedNote);
    List<NoteVerifierKey> verified = note.verifiedKeys(logKeys);
    Checkpoint checkpoint = parse(note.text());
    for (NoteVerifierKey k : verified) {
      if (k.name().equals(checkpoint.origin())) {
        return checkpoint;
      }
    }
    throw new NoteException(
        NoteException.Reason.UNKNOWN_KEY,
        "checkpoint of origin " + checkpoint.origin() + " is not signed by a key of that name");
  }

  /**
   * The keys among {@code logKeys} whose signature on {@code signedNote} verifies and that are
   * named as the checkpoint's origin; empty if none.
   */
  public static List<NoteVerifierKey> signers(String signedNote, List<NoteVerifierKey> logKeys) {
    try {
      SignedNote note = SignedNote.parse(signedNote);
      String origin = parse(note.text()).origin();
      return note.verifiedKeys(logKeys).stream().filter(k -> k.name().equals(origin)).toList();
    } catch (NoteException e) {
      return List.of();
    }
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint other
        && origin.equals(other.origin)
        && size == other.size
        && Arrays.equals(root, other.root)
        && extensions.equals(other.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(root), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + origin
        + ", size "
        + size
        + ", root "
        + HexFormat.of().formatHex(root)
        + (extensions.isEmpty() ? "" : ", " + extensions.size() + " extension lines")
        + "]";
  }

  private static void requireLine(String line, String what) {
    if (line.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + what + " is empty");
    }
    String problem = NoteText.lineProblem(line);
    if (problem != null) {
      throw new IllegalArgumentException("checkpoint " + what + ": " + problem);
    }
  }
}
