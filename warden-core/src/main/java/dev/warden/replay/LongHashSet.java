package dev.warden.replay;

/**
 * An open-addressing set of non-zero longs (linear probing, no removal): 8 bytes per slot, where a
 * boxed set would spend ~80 per element. Not thread-safe.
 */
final class LongHashSet {
  private long[] slots = new long[1024];
  private int size;

  /** Adds {@code v} (non-zero); returns false if it was already present. */
  boolean add(long v) {
    if (size * 2 >= slots.length) {
      grow();
    }
    return insert(slots, v);
  }

  boolean contains(long v) {
    int mask = slots.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        return false;
      }
      if (s == v) {
        return true;
      }
    }
  }

  int size() {
    return size;
  }

  private boolean insert(long[] table, long v) {
    int mask = table.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      long s = table[i];
      if (s == 0) {
        table[i] = v;
        if (table == slots) {
          size++;
        }
        return true;
      }
      if (s == v) {
        return false;
      }
    }
  }

  private void grow() {
    long[] old = slots;
    long[] bigger = new long[old.length * 2];
    for (long v : old) {
      if (v != 0) {
        insert(bigger, v);
      }
    }
    slots = bigger;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
