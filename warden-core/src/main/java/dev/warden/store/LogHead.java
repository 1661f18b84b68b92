package dev.warden.store;

/**
 * The end of the log: how many entries it holds and the opaque state the log needs to append the
 * next one without reading the old ones (the hash-chain head now; the Merkle frontier later).
 *
 * @param size number of entries; the next entry gets index {@code size}
 * @param state owned by {@code dev.warden.log}; stores keep it as bytes
 */
public record LogHead(long size, byte[] state) {

  public static final LogHead EMPTY = new LogHead(0, new byte[0]);

  public LogHead {
    if (size < 0) {
      throw new IllegalArgumentException("size < 0");
    }
    state = state.clone();
  }

  @Override
  public byte[] state() {
    return state.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogHead h && size == h.size && java.util.Arrays.equals(state, h.state);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size);
  }

  @Override
  public String toString() {
    return "LogHead[size=" + size + "]";
  }
}
