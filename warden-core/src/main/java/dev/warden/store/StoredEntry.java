package dev.warden.store;

/**
 * One log entry as stored: its index (= Merkle leaf index, from 0) and its exact canonical bytes.
 */
public record StoredEntry(long index, byte[] entry) {

  public StoredEntry {
    if (index < 0) {
      throw new IllegalArgumentException("index < 0");
    }
    entry = entry.clone();
  }

  @Override
  public byte[] entry() {
    return entry.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEntry e
        && index == e.index
        && java.util.Arrays.equals(entry, e.entry);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index);
  }

  @Override
  public String toString() {
    return "StoredEntry[" + index + ", " + entry.length + " bytes]";
  }
}
