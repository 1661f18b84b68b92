package dev.warden.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Writes a log as an export file (format version {@value #VERSION}): JSON Lines, UTF-8, one JSON
 * object per line.
 *
 * <pre>
 * {"warden_export":1,"origin":"warden.local/log","vkey":"warden.local/log+1a2b3c4d+AQ…","size":3}
 * {"index":0,"entry":"{\"kind\":\"policy\",…}"}
 * {"checkpoint":"warden.local/log\n1\n…=\n\n— warden.local/log …\n"}
 * {"index":1,"entry":"…"}
 * {"index":2,"entry":"…"}
 * {"checkpoint":"warden.local/log\n3\n…"}
 * </pre>
 *
 * <ul>
 *   <li>The first line is the header: the format version, the log's origin, the verifier key of the
 *       log's checkpoint key when exported (a hint — an importer trusts only the keys it is given),
 *       and the number of entries, so that a file cut short is noticed.
 *   <li>Then every entry in index order, {@code entry} being the entry's canonical JSON as a JSON
 *       string: its UTF-8 encoding is exactly the hashed bytes.
 *   <li>Each stored checkpoint, the complete signed note as stored, right after the entry that
 *       brings the log to its size (a checkpoint of a size beyond the last entry comes last).
 * </ul>
 *
 * <p>Nothing else of a data directory is exported: agents, tokens, nonces, idempotency records and
 * keys are not part of the log.
 */
public final class LogExport {
  public static final int VERSION = 1;

  private static final JsonFactory JSON = new JsonFactory();

  private LogExport() {}

  /**
   * The header line's content.
   *
   * @param vkey the C2SP verifier key of the log's checkpoint key, as exported
   * @param size the number of entries that follow
   */
  public record Header(String origin, String vkey, long size) {
    public Header {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(vkey, "vkey");
      if (size < 0) {
        throw new IllegalArgumentException("size < 0");
      }
    }
  }

  /** What {@link #write} wrote. */
  public record Written(long entries, long checkpoints) {}

  /**
   * Streams {@code source} to {@code out} (which is not closed), a page of entries and checkpoints
   * at a time.
   *
   * @return how many entries and checkpoints were written
   * @throws StoreException {@code CORRUPT} if an entry is not UTF-8 text (such a log must be
   *     audited, not exported); as the source throws otherwise
   * @throws IOException if {@code out} cannot be written
   */
  public static Written write(
      AuditSource source, Header header, OutputStream out, LogAuditor.Progress progress)
      throws StoreException, IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setRootValueSeparator(new SerializedString("\n"));
      g.writeStartObject();
      g.writeNumberField("warden_export", VERSION);
      g.writeStringField("origin", header.origin());
      g.writeStringField("vkey", header.vkey());
      g.writeNumberField("size", header.size());
      g.writeEndObject();
      Checkpoints checkpoints = new Checkpoints(source);
      checkpoints.writeUpTo(0, g);
      long written = 0;
      long next = 0;
      while (true) {
        List<StoredEntry> page = source.read(next, next + LogAuditor.DEFAULT_PAGE_SIZE);
        for (StoredEntry e : page) {
          g.writeStartObject();
          g.writeNumberField("index", e.index());
          g.writeStringField("entry", utf8(e));
          g.writeEndObject();
          written++;
          next = e.index() + 1;
          checkpoints.writeUpTo(next, g);
        }
        progress.entries(written, header.size());
        if (page.isEmpty()) {
          break;
        }
      }
      checkpoints.writeUpTo(Long.MAX_VALUE, g);
      g.writeRaw('\n');
      return new Written(written, checkpoints.written);
    }
  }

  private static String utf8(StoredEntry e) throws StoreException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(e.entry()))
          .toString();
    } catch (CharacterCodingException x) {
      throw new StoreException(
          StoreException.Kind.CORRUPT,
          "entry " + e.index() + " is not UTF-8 text, so it cannot be exported; audit the log",
          x);
    }
  }

  /** The stored checkpoints, read a page at a time, written as the entries reach their sizes. */
  private static final class Checkpoints {
    private final AuditSource source;
    private final Deque<StoredCheckpoint> page = new ArrayDeque<>();
    private long nextFrom;
    private boolean exhausted;
    long written;

    Checkpoints(AuditSource source) {
      this.source = source;
    }

    void writeUpTo(long size, JsonGenerator g) throws StoreException, IOException {
      while (true) {
        if (page.isEmpty() && !exhausted) {
          List<StoredCheckpoint> rows = source.checkpoints(nextFrom, Commitments.PAGE);
          exhausted = rows.isEmpty();
          page.addAll(rows);
          if (!rows.isEmpty()) {
            nextFrom = rows.getLast().size() + 1;
          }
        }
        StoredCheckpoint c = page.peek();
        if (c == null || c.size() > size) {
          return;
        }
        g.writeStartObject();
        g.writeStringField("checkpoint", c.note());
        g.writeEndObject();
        page.poll();
        written++;
      }
    }
  }
}
