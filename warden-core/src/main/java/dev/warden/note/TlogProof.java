package dev.warden.note;

import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.ProofException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A C2SP tlog proof (c2sp.org/tlog-proof): an offline-verifiable proof that a leaf is in a log,
 * bundling the leaf index, its RFC 6962 inclusion proof and the signed checkpoint it is proved
 * against:
 *
 * <pre>
 * c2sp.org/tlog-proof@v1
 * extra &lt;base64&gt;            (optional, unauthenticated)
 * index &lt;decimal&gt;
 * &lt;base64 hash&gt;             (zero or more, from the leaf's sibling up)
 *
 * &lt;signed checkpoint note, verbatim&gt;
 * </pre>
 *
 * @param extra the opaque extra data, or null when the line is absent; never empty
 * @param index the zero-based leaf index
 * @param hashes the inclusion proof, at most 63 hashes of 32 bytes
 * @param checkpoint the signed checkpoint note, verbatim
 */
public record TlogProof(
    byte @Nullable [] extra, long index, List<byte[]> hashes, String checkpoint) {
  /** The first line. */
  public static final String HEADER = "c2sp.org/tlog-proof@v1";

  /** An inclusion proof in a tree of fewer than 2^63 leaves has at most 63 hashes. */
  public static final int MAX_HASHES = 63;

  /**
   * @throws IllegalArgumentException if extra is empty, the index negative, a hash not 32 bytes,
   *     there are too many hashes, or the checkpoint is not a well-formed signed note
   */
  public TlogProof {
    if (extra != null) {
      if (extra.length == 0) {
        throw new IllegalArgumentException("tlog proof extra data is empty; omit it instead");
      }
      extra = extra.clone();
    }
    if (index < 0) {
      throw new IllegalArgumentException("tlog proof index " + index + " is negative");
    }
    if (hashes.size() > MAX_HASHES) {
      throw new IllegalArgumentException("tlog proof has more than " + MAX_HASHES + " hashes");
    }
    List<byte[]> copy = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      if (h.length != MerkleHasher.HASH_SIZE) {
        throw new IllegalArgumentException("tlog proof hash is " + h.length + " bytes, not 32");
      }
      copy.add(h.clone());
    }
    hashes = List.copyOf(copy);
    try {
      SignedNote.parse(checkpoint);
    } catch (NoteException e) {
      throw new IllegalArgumentException("tlog proof checkpoint: " + e.getMessage(), e);
    }
  }

  /** The text form, as the class description shows it. */
  public String format() {
    return format(extra, index, hashes, checkpoint);
  }

  /**
   * The text form of a proof whose parts the caller has checked already — a receipt issuer that
   * parsed the checkpoint and verified the proof against it — without copying or parsing them
   * again. Verifiers parse the result with {@link #parse}, which checks everything.
   */
  public static String format(
      byte @Nullable [] extra, long index, List<byte[]> hashes, String checkpoint) {
    StringBuilder out = new StringBuilder(checkpoint.length() + 64 + 45 * hashes.size());
    out.append(HEADER).append('\n');
    if (extra != null) {
      out.append("extra ").append(NoteText.base64(extra)).append('\n');
    }
    out.append("index ").append(index).append('\n');
    for (byte[] h : hashes) {
      out.append(NoteText.base64(h)).append('\n');
    }
    out.append('\n').append(checkpoint);
    return out.toString();
  }

  /**
   * Parses the text form strictly (c2sp.org/tlog-proof §Format): the exact header, an optional
   * {@code extra} line of canonical base64, {@code index} with a decimal without sign or leading
   * zero, hash lines of canonical base64 of 32 bytes, an empty line, and a well-formed signed note.
   * The checkpoint's signature and text are checked by {@link #verify}.
   *
   * @throws NoteException {@code MALFORMED}, naming the line
   */
  public static TlogProof parse(String text) throws NoteException {
    if (text.length() > SignedNote.MAX_NOTE_BYTES + 4096) {
      throw NoteException.malformed("tlog proof is too large");
    }
    int pos = 0;
    int lineNumber = 1;
    String line = lineAt(text, pos, lineNumber);
    if (!line.equals(HEADER)) {
      throw NoteException.malformed("tlog proof does not start with " + HEADER);
    }
    pos += line.length() + 1;
    line = lineAt(text, pos, ++lineNumber);
    byte[] extra = null;
    if (line.startsWith("extra ")) {
      extra = NoteText.base64(line.substring("extra ".length()));
      if (extra == null || extra.length == 0) {
        throw NoteException.malformed("tlog proof extra line is not canonical non-empty base64");
      }
      pos += line.length() + 1;
      line = lineAt(text, pos, ++lineNumber);
    }
    long index = line.startsWith("index ") ? NoteText.decimal(line.substring(6)) : -1;
    if (index < 0) {
      throw NoteException.malformed(
          "tlog proof line " + lineNumber + " is not 'index ' and a decimal without leading zero");
    }
    pos += line.length() + 1;
    List<byte[]> hashes = new ArrayList<>();
    while (!(line = lineAt(text, pos, ++lineNumber)).isEmpty()) {
      byte[] h = NoteText.base64(line);
      if (h == null || h.length != MerkleHasher.HASH_SIZE) {
        throw NoteException.malformed(
            "tlog proof line " + lineNumber + " is not canonical base64 of a 32-byte hash");
      }
      if (hashes.size() == MAX_HASHES) {
        throw NoteException.malformed("tlog proof has more than " + MAX_HASHES + " hashes");
      }
      hashes.add(h);
      pos += line.length() + 1;
    }
    String checkpoint = text.substring(pos + 1);
    SignedNote.parse(checkpoint); // MALFORMED with the note's own message
    return new TlogProof(extra, index, hashes, checkpoint);
  }

  /**
   * Verifies the proof for {@code leafHash} (c2sp.org/tlog-proof §Verifying, steps 2 and 4; Warden
   * uses no witnesses): the checkpoint is signed by one of {@code logKeys} named as its origin, and
   * the inclusion proof binds the leaf to the checkpoint's root.
   *
   * @return the verified checkpoint
   * @throws NoteException if the checkpoint is malformed or not signed by a trusted log key
   * @throws ProofException if the inclusion proof does not verify against the checkpoint
   */
  public Checkpoint verify(byte[] leafHash, List<NoteVerifierKey> logKeys)
      throws NoteException, ProofException {
    Checkpoint c = Checkpoint.open(checkpoint, logKeys);
    MerkleProofs.verifyInclusion(leafHash, index, c.size(), hashes, c.root());
    return c;
  }

  @Override
  public byte @Nullable [] extra() {
    return extra == null ? null : extra.clone();
  }

  @Override
  public List<byte[]> hashes() {
    return hashes.stream().map(byte[]::clone).toList();
  }

  /** Equal when the text forms are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TlogProof other && format().equals(other.format());
  }

  @Override
  public int hashCode() {
    return format().hashCode();
  }

  @Override
  public String toString() {
    return "TlogProof[index " + index + ", " + hashes.size() + " hashes]";
  }

  /** The line starting at {@code pos}, which must end in a newline. */
  private static String lineAt(String text, int pos, int number) throws NoteException {
    int nl = text.indexOf('\n', pos);
    if (nl < 0) {
      throw NoteException.malformed("tlog proof ends before line " + number + " does");
    }
    return text.substring(pos, nl);
  }
}
