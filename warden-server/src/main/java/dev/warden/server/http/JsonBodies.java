package dev.warden.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import java.util.Iterator;
import java.util.Set;

/** The JSON bodies of operator calls: strictly parsed objects with a closed set of fields. */
final class JsonBodies {
  private JsonBodies() {}

  /**
   * {@code raw} as a strictly parsed JSON object.
   *
   * @param notAnObject what to answer when it is valid JSON but not an object
   * @throws RequestRejected {@code request.invalid} at the offending place
   */
  static JsonNode object(byte[] raw, RequestRejected notAnObject) throws RequestRejected {
    JsonNode n;
    try {
      n = StrictJson.parse(raw, JsonLimits.defaults());
    } catch (JsonRejected e) {
      throw RequestRejected.atPointer(ErrorCode.REQUEST_INVALID, e.pointer(), e.getMessage());
    }
    if (!n.isObject()) {
      throw notAnObject;
    }
    return n;
  }

  /** Refuses any field of {@code n} (at JSON Pointer {@code ptr}) not in {@code allowed}. */
  static void only(JsonNode n, String ptr, String... allowed) throws RequestRejected {
    Set<String> ok = Set.of(allowed);
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!ok.contains(f)) {
        throw RequestRejected.atPointer(
            ErrorCode.REQUEST_INVALID,
            ptr + "/" + f,
            "unknown field; allowed: " + String.join(", ", allowed));
      }
    }
  }
}
