package dev.warden.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.store.StoreException;
import dev.warden.store.StoreException.Kind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The JSON text columns: agent labels (an object of strings) and token scopes (an array). */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final TypeReference<List<String>> SCOPES = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Json() {}

  /** Labels as a JSON object, keys sorted so equal maps give equal text. */
  public static String labels(Map<String, String> labels) {
    return write(new TreeMap<>(labels));
  }

  public static Map<String, String> labels(String json) throws StoreException {
    try {
      return MAPPER.readValue(json, LABELS);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new StoreException(
          Kind.CORRUPT, "stored agent labels are not a JSON object of strings");
    }
  }

  /** Scopes as a sorted JSON array. */
  public static String scopes(Set<String> scopes) {
    return write(new TreeSet<>(scopes));
  }

  public static Set<String> scopes(String json) throws StoreException {
    try {
      return Set.copyOf(MAPPER.readValue(json, SCOPES));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new StoreException(Kind.CORRUPT, "stored token scopes are not a JSON array of strings");
    }
  }

  /** A list of strings as a JSON array, in its order. */
  public static String list(List<String> values) {
    return write(values);
  }

  public static List<String> list(String json) throws StoreException {
    try {
      return List.copyOf(MAPPER.readValue(json, STRINGS));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new StoreException(Kind.CORRUPT, "a stored list is not a JSON array of strings");
    }
  }

  private static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings always serialize", e);
    }
  }
}
