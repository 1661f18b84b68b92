package dev.warden.server.pkcs11;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code CK_ATTRIBUTE} array in native memory: {@code {CK_ULONG type; void *pValue; CK_ULONG
 * ulValueLen}} each, natural alignment (the Unix ABI of PKCS#11 libraries). Values to read are
 * given a buffer of a fixed capacity; {@link #value} returns what the library wrote.
 */
final class Templates {
  private static final int ULONG = NativeLong.SIZE;
  private static final int STRIDE = 2 * ULONG + Native.POINTER_SIZE;

  private final List<Long> types = new ArrayList<>();
  private final List<Memory> values = new ArrayList<>(); // kept referenced until the call is done
  private final List<Long> lengths = new ArrayList<>();
  private Memory array = new Memory(1);

  Templates bool(long type, boolean value) {
    Memory m = new Memory(1);
    m.setByte(0, value ? (byte) 1 : (byte) 0);
    return add(type, m);
  }

  Templates ulong(long type, long value) {
    Memory m = new Memory(ULONG);
    m.setNativeLong(0, new NativeLong(value));
    return add(type, m);
  }

  Templates bytes(long type, byte[] value) {
    Memory m = new Memory(Math.max(1, value.length));
    m.write(0, value, 0, value.length);
    return add(type, m, value.length);
  }

  Templates text(long type, String value) {
    return bytes(type, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A slot for the library to write up to {@code capacity} bytes of attribute {@code type}. */
  Templates read(long type, int capacity) {
    return add(type, new Memory(capacity));
  }

  private Templates add(long type, Memory value) {
    return add(type, value, value.size());
  }

  private Templates add(long type, Memory value, long length) {
    types.add(type);
    values.add(value);
    lengths.add(length);
    return this;
  }

  /** The array, laid out now. */
  Pointer pointer() {
    array = new Memory((long) STRIDE * Math.max(1, types.size()));
    array.clear();
    for (int i = 0; i < types.size(); i++) {
      long at = (long) STRIDE * i;
      array.setNativeLong(at, new NativeLong(types.get(i)));
      array.setPointer(at + ULONG, values.get(i));
      array.setNativeLong(at + ULONG + Native.POINTER_SIZE, new NativeLong(lengths.get(i)));
    }
    return array;
  }

  NativeLong count() {
    return new NativeLong(types.size());
  }

  /** The bytes the library wrote for attribute {@code i} of the last {@link #pointer()}. */
  byte[] value(int i) {
    long at = (long) STRIDE * i;
    long length = array.getNativeLong(at + ULONG + Native.POINTER_SIZE).longValue();
    if (length < 0 || length > values.get(i).size()) {
      return new byte[0];
    }
    return values.get(i).getByteArray(0, (int) length);
  }

  /** A {@code CK_MECHANISM} without a parameter: the same layout as one attribute. */
  static Pointer mechanism(long mechanism) {
    Memory m = new Memory(STRIDE);
    m.clear();
    m.setNativeLong(0, new NativeLong(mechanism));
    return m;
  }
}
