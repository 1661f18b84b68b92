package dev.warden.note;

import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A C2SP signed note (c2sp.org/signed-note): a text ending in newline, a blank line, and signature
 * lines {@code — <key name> base64(key ID ‖ signature)}. The text means nothing until {@link
 * #verify} has checked a trusted signature.
 *
 * <p>Limits: at most {@value #MAX_NOTE_BYTES} bytes of UTF-8 and {@value #MAX_SIGNATURES}
 * signatures (the spec asks verifiers to accept at least 16). Warden refuses, beyond the spec, two
 * signatures with the same key name and ID.
 *
 * @param text the note text, final newline included, separating blank line excluded
 * @param signatures at least one
 */
public record SignedNote(String text, List<Signature> signatures) {
  /** Largest note accepted, in bytes of UTF-8. */
  public static final int MAX_NOTE_BYTES = 256 * 1024;

  /** Most signatures accepted on one note. */
  public static final int MAX_SIGNATURES = 64;

  /** The signature line prefix: em dash (U+2014) and space. */
  private static final String SIG_PREFIX = "\u2014 ";

  /**
   * One signature line.
   *
   * @param name the key name
   * @param keyId the key ID, the first four bytes (big-endian) of the decoded signature
   * @param signature the signature bytes after the key ID (64 for Ed25519)
   */
  public record Signature(String name, int keyId, byte[] signature) {
    public Signature {
      String problem = NoteText.nameProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (signature.length == 0) {
        throw new IllegalArgumentException("a signature has at least one byte after the key ID");
      }
      signature = signature.clone();
    }

    /** {@code — <name> base64(key ID ‖ signature)}, without the newline. */
    public String line() {
      byte[] b = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
      return SIG_PREFIX + name + " " + NoteText.base64(b);
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature other
          && name.equals(other.name)
          && keyId == other.keyId
          && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
      return line();
    }
  }

  /**
   * @throws IllegalArgumentException if the text is not note text, there is no signature or more
   *     than {@link #MAX_SIGNATURES}, two share a name and key ID, or the note is too large
   */
  public SignedNote {
    signatures = List.copyOf(signatures);
    String problem = problem(text, signatures);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Parses a signed note strictly (c2sp.org/signed-note §Format): valid Unicode, no control
   * character but newline (so no CR), the text separated from the signatures by the last blank
   * line, each signature line exactly {@code — <name> <canonical padded base64 of at least 5
   * bytes>} and ending in newline.
   *
   * @throws NoteException {@code MALFORMED}, saying what and where
   */
  public static SignedNote parse(String note) throws NoteException {
    if (note.length() > MAX_NOTE_BYTES || NoteText.utf8Length(note) > MAX_NOTE_BYTES) {
      throw NoteException.malformed("note is larger than " + MAX_NOTE_BYTES + " bytes");
    }
    String problem = NoteText.textProblem(note);
    if (problem != null) {
      throw NoteException.malformed("note has a " + problem);
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw NoteException.malformed("note has no blank line before its signatures");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    if (block.isEmpty() || !block.endsWith("\n")) {
      throw NoteException.malformed("note signatures do not end in a newline");
    }
    String[] lines = block.substring(0, block.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw NoteException.malformed("note has more than " + MAX_SIGNATURES + " signatures");
    }
    List<Signature> signatures = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      signatures.add(signatureLine(lines[i], i + 1));
    }
    problem = problem(text, signatures);
    if (problem != null) {
      throw NoteException.malformed(problem);
    }
    return new SignedNote(text, signatures);
  }

  /** The note as text: {@code text ‖ "\n" ‖ each signature line ‖ "\n"}. */
  public String format() {
    StringBuilder out = new StringBuilder(text.length() + 128 * signatures.size());
    out.append(text).append('\n');
    for (Signature s : signatures) {
      out.append(s.line()).append('\n');
    }
    return out.toString();
  }

  /**
   * Verifies the note against {@code trusted} keys and returns its text.
   *
   * @throws NoteException as {@link #verifiedKeys}
   */
  public String verify(List<NoteVerifierKey> trusted) throws NoteException {
    verifiedKeys(trusted);
    return text;
  }

  /**
   * The trusted keys whose signatures verify, by the rules of c2sp.org/signed-note §Signatures:
   * signatures whose key name and ID match no trusted key are ignored; one that matches must
   * verify.
   *
   * @throws NoteException {@code BAD_SIGNATURE} if a signature by a trusted key does not verify,
   *     {@code UNKNOWN_KEY} if no signature is by a trusted key
   * @throws IllegalArgumentException if two trusted keys share a name and key ID
   */
  public List<NoteVerifierKey> verifiedKeys(List<NoteVerifierKey> trusted) throws NoteException {
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    List<NoteVerifierKey> verified = new ArrayList<>();
    for (Signature s : signatures) {
      NoteVerifierKey key = find(trusted, s.name(), s.keyId());
      if (key == null) {
        continue;
      }
      try {
        SignatureAlgorithms.verifyEd25519(key.publicKey(), message, s.signature);
      } catch (SignatureException e) {
        throw new NoteException(
            NoteException.Reason.BAD_SIGNATURE,
            "signature by "
                + s.name()
                + "+"
                + HexFormat.of().toHexDigits(s.keyId())
                + " does not verify");
      }
      verified.add(key);
    }
    if (verified.isEmpty()) {
      List<String> signers = signatures.stream().map(Signature::name).toList();
      throw new NoteException(
          NoteException.Reason.UNKNOWN_KEY,
          "note is not signed by a trusted key; signers: " + String.join(", ", signers));
    }
    return List.copyOf(verified);
  }

  private static @Nullable NoteVerifierKey find(
      List<NoteVerifierKey> trusted, String name, int keyId) {
    NoteVerifierKey found = null;
    for (NoteVerifierKey k : trusted) {
      if (k.keyId() == keyId && k.name().equals(name)) {
        if (found != null && !found.equals(k)) {
          throw new IllegalArgumentException(
              "two trusted keys are named " + name + " with the same key ID");
        }
        found = k;
      }
    }
    return found;
  }

  private static Signature signatureLine(String line, int number) throws NoteException {
    if (!line.startsWith(SIG_PREFIX)) {
      throw NoteException.malformed(
          "signature line " + number + " does not start with an em dash and a space");
    }
    String rest = line.substring(SIG_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw NoteException.malformed("signature line " + number + " has no space after the name");
    }
    String name = rest.substring(0, space);
    String problem = NoteText.nameProblem(name);
    if (problem != null) {
      throw NoteException.malformed("signature line " + number + ": " + problem);
    }
    byte[] sig = NoteText.base64(rest.substring(space + 1));
    if (sig == null || sig.length < 5) {
      throw NoteException.malformed(
          "signature line " + number + " is not canonical base64 of a key ID and a signature");
    }
    return new Signature(
        name, ByteBuffer.wrap(sig, 0, 4).getInt(), Arrays.copyOfRange(sig, 4, sig.length));
  }

  /** Why {@code text} cannot be a note's text, or null. */
  static @Nullable String textProblem(String text) {
    if (!text.endsWith("\n")) {
      return "note text does not end in a newline";
    }
    String problem = NoteText.textProblem(text);
    return problem == null ? null : "note text has a " + problem;
  }

  private static @Nullable String problem(String text, List<Signature> signatures) {
    String problem = textProblem(text);
    if (problem != null) {
      return problem;
    }
    if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
      return "a note has 1 to " + MAX_SIGNATURES + " signatures, not " + signatures.size();
    }
    Set<String> seen = new HashSet<>();
    long size = NoteText.utf8Length(text) + 1;
    for (Signature s : signatures) {
      if (!seen.add(s.name() + "+" + s.keyId())) {
        return "two signatures by key " + s.name() + "+" + HexFormat.of().toHexDigits(s.keyId());
      }
      size += NoteText.utf8Length(s.line()) + 1;
    }
    if (size > MAX_NOTE_BYTES) {
      return "note is larger than " + MAX_NOTE_BYTES + " bytes";
    }
    return null;
  }
}
