package dev.warden.httpsig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON vector files of this module's tests: objects, arrays, strings and literals. A test
 * helper only (warden-httpsig depends on BouncyCastle alone, so no Jackson here).
 */
final class TestJson {

  private final String s;
  private int pos;

  private TestJson(String s) {
    this.s = s;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> resource(String name) {
    try (InputStream in = TestJson.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      TestJson p = new TestJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Object value = p.value();
      p.ws();
      if (p.pos != p.s.length()) {
        throw new IllegalArgumentException("trailing data in " + name);
      }
      return (Map<String, Object>) value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Map<String, Object> map, String key) {
    return (Map<String, Object>) map.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> objects(Map<String, Object> map, String key) {
    return (List<Map<String, Object>>) map.get(key);
  }

  static String string(Map<String, Object> map, String key) {
    return (String) map.get(key);
  }

  /** Header values as a view expects them: each name to its one field line. */
  static Map<String, List<String>> headers(Map<String, Object> map) {
    Map<String, List<String>> out = new HashMap<>();
    map.forEach((k, v) -> out.put(k, List.of((String) v)));
    return out;
  }

  private Object value() {
    ws();
    char c = s.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        ws();
        if (s.charAt(pos) == '}') {
          pos++;
          return map;
        }
        do {
          ws();
          String key = string();
          ws();
          expect(':');
          map.put(key, value());
          ws();
        } while (s.charAt(pos++) == ',');
        check(s.charAt(pos - 1) == '}');
        return map;
      }
      case '[' -> {
        pos++;
        List<Object> list = new ArrayList<>();
        ws();
        if (s.charAt(pos) == ']') {
          pos++;
          return list;
        }
        do {
          list.add(value());
          ws();
        } while (s.charAt(pos++) == ',');
        check(s.charAt(pos - 1) == ']');
        return list;
      }
      case '"' -> {
        return string();
      }
      default -> {
        for (String literal : List.of("true", "false")) {
          if (s.startsWith(literal, pos)) {
            pos += literal.length();
            return Boolean.valueOf(literal);
          }
        }
        throw new IllegalArgumentException("unsupported JSON at " + pos);
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = s.charAt(pos++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'u' -> {
          out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> out.append(e); // \" \\ \/
      }
    }
  }

  private void expect(char c) {
    check(s.charAt(pos++) == c);
  }

  private void check(boolean ok) {
    if (!ok) {
      throw new IllegalArgumentException("bad JSON at " + pos);
    }
  }

  private void ws() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }
}
