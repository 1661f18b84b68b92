package dev.warden.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An export file ({@link LogExport}) as an {@link AuditSource}. Entries and checkpoints are read by
 * two independent sequential cursors over the file, so nothing but the current line is held in
 * memory; asking for an earlier position reopens the file.
 *
 * <p>Strict: every line must be the header (first, once), {@code {"index":N,"entry":"…"}} with
 * increasing indexes, or {@code {"checkpoint":"…"}} with increasing sizes; anything else is {@code
 * CORRUPT} (an audit reports it as {@code malformed}). An export holds no tree nodes and no head.
 * Not thread-safe.
 */
public final class ExportSource implements AuditSource, AutoCloseable {
  /** Longest entry or note accepted, in characters. */
  static final int MAX_STRING = 64 * 1024 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(MAX_STRING).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final Path file;
  private final LogExport.Header header;
  private @Nullable Cursor entries;
  private @Nullable Cursor checkpoints;

  private ExportSource(Path file, LogExport.Header header) {
    this.file = file;
    this.header = header;
  }

  /**
   * Opens {@code file} and reads its header.
   *
   * @throws IOException if it cannot be read, or does not start with a version-1 export header
   */
  public static ExportSource open(Path file) throws IOException {
    try (JsonParser p = JSON.createParser(Files.newInputStream(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(file + " is not a Warden export (no JSON header line)");
      }
      long version = -1;
      long size = -1;
      String origin = null;
      String vkey = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "warden_export" -> version = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "size" -> size = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
          case "origin" -> origin = v == JsonToken.VALUE_STRING ? p.getText() : null;
          case "vkey" -> vkey = v == JsonToken.VALUE_STRING ? p.getText() : null;
          default ->
              throw new IOException(
                  file + " is not a Warden export: its first line has a field \"" + name + "\"");
        }
      }
      if (version != LogExport.VERSION || origin == null || vkey == null || size < 0) {
        throw new IOException(
            file
                + " is not a Warden export of format "
                + LogExport.VERSION
                + " (its first line needs warden_export: 1, origin, vkey and size)");
      }
      return new ExportSource(file, new LogExport.Header(origin, vkey, size));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + " is not a Warden export: " + e.getOriginalMessage(), e);
    }
  }

  public LogExport.Header header() {
    return header;
  }

  @Override
  public long expectedSize() {
    return header.size();
  }

  @Override
  public List<StoredEntry> read(long start, long end) throws StoreException {
    if (entries == null || start < entries.position) {
      entries = reopen(entries, true);
    }
    List<StoredEntry> out = new ArrayList<>();
    for (Line l; (l = entries.peek()) != null && l.number() < end; entries.take()) {
      if (l.number() >= start) {
        out.add(new StoredEntry(l.number(), l.text().getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, int limit) throws StoreException {
    if (checkpoints == null || fromSize < checkpoints.position) {
      checkpoints = reopen(checkpoints, false);
    }
    List<StoredCheckpoint> out = new ArrayList<>();
    for (Line l; out.size() < limit && (l = checkpoints.peek()) != null; checkpoints.take()) {
      if (l.number() >= fromSize) {
        out.add(new StoredCheckpoint(l.number(), l.text()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    closeQuietly(entries);
    closeQuietly(checkpoints);
    entries = null;
    checkpoints = null;
  }

  private Cursor reopen(@Nullable Cursor old, boolean wantEntries) throws StoreException {
    closeQuietly(old);
    try {
      return new Cursor(JSON.createParser(Files.newInputStream(file)), wantEntries);
    } catch (IOException e) {
      throw new StoreException(Kind.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(@Nullable Cursor c) {
    if (c != null) {
      try {
        c.parser.close();
      } catch (IOException ignored) {
        // Read-only: nothing to flush.
      }
    }
  }

  /** An entry (number = index) or a checkpoint (number = tree size) line. */
  private record Line(long number, String text) {}

  /** A sequential reader of one kind of line, with one line of lookahead. */
  private final class Cursor {
    final JsonParser parser;
    final boolean wantEntries;
    long position; // every line of the wanted kind below this number has been taken
    long lineNumber; // of the line read last; the header is line 1
    @Nullable Line next;
    long last = -1;

    Cursor(JsonParser parser, boolean wantEntries) {
      this.parser = parser;
      this.wantEntries = wantEntries;
    }

    @Nullable Line peek() throws StoreException {
      try {
        while (next == null) {
          JsonToken t = parser.nextToken();
          if (t == null) {
            return null;
          }
          lineNumber++;
          if (lineNumber == 1) {
            parser.skipChildren(); // the header, checked by open()
            continue;
          }
          next = line(t);
        }
        return next;
      } catch (IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JacksonException j) {
          throw corrupt("is not JSON: " + j.getOriginalMessage());
        }
        throw new StoreException(
            Kind.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    void take() {
      if (next != null) {
        position = next.number() + 1;
        next = null;
      }
    }

    /** The line that starts at {@code t} if it is of the wanted kind; null for the other kind. */
    private @Nullable Line line(JsonToken t) throws IOException, StoreException {
      if (t != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
        throw corrupt("is not an entry or checkpoint object");
      }
      String first = parser.currentName();
      Line l;
      if (first.equals("checkpoint")) {
        requireString();
        l = wantEntries ? null : new Line(checkpointSize(parser.getText()), parser.getText());
      } else if (first.equals("index")) {
        if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getLongValue() < 0) {
          throw corrupt("has an index that is not a non-negative integer");
        }
        long index = parser.getLongValue();
        if (parser.nextToken() != JsonToken.FIELD_NAME || !parser.currentName().equals("entry")) {
          throw corrupt("has no \"entry\" after \"index\"");
        }
        requireString();
        l = wantEntries ? new Line(index, parser.getText()) : null;
      } else {
        throw corrupt("has an unknown field \"" + first + "\"");
      }
      if (parser.nextToken() != JsonToken.END_OBJECT) {
        throw corrupt("has more fields than an export line holds");
      }
      if (l != null) {
        if (l.number() <= last) {
          throw corrupt(
              (wantEntries ? "has index " : "has a checkpoint of size ")
                  + l.number()
                  + " after "
                  + last
                  + ": an export lists them in increasing order, each once");
        }
        last = l.number();
      }
      return l;
    }

    private void requireString() throws IOException, StoreException {
      if (parser.nextToken() != JsonToken.VALUE_STRING) {
        throw corrupt("has a value that is not a string");
      }
    }

    /** The size line of a checkpoint note, to file it; the audit verifies the rest. */
    private long checkpointSize(String note) throws StoreException {
      int a = note.indexOf('\n');
      int b = a < 0 ? -1 : note.indexOf('\n', a + 1);
      String size = b < 0 ? "" : note.substring(a + 1, b);
      if (!size.matches("0|[1-9][0-9]{0,17}")) {
        throw corrupt("holds a checkpoint whose second line is not a tree size");
      }
      return Long.parseLong(size);
    }

    private StoreException corrupt(String what) {
      return new StoreException(
          Kind.CORRUPT, file.getFileName() + " line " + lineNumber + " " + what);
    }
  }
}
