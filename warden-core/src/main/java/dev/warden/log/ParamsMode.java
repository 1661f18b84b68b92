package dev.warden.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Digests;
import dev.warden.crypto.HmacKey;
import dev.warden.json.Canonical;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * How an action's {@code params} are written into the log (SPEC §12). The default, {@link #HMAC},
 * makes them searchable but not readable: each top-level value becomes {@code hmac-sha256:<hex>} of
 * its canonical JSON under Warden's parameter key, so an auditor holding the key can test whether a
 * value was sent, and a reader of the log cannot learn it.
 */
public enum ParamsMode {
  /** Each top-level value replaced by its keyed HMAC. */
  HMAC,
  /** The whole {@code params} replaced by {@code sha256:<hex>} of its canonical JSON. */
  DIGEST,
  /** Stored as sent. Only for parameters that are never secret. */
  PLAIN;

  JsonNode protect(JsonNode params, HmacKey key) {
    return switch (this) {
      case PLAIN -> params;
      case DIGEST ->
          JsonNodeFactory.instance.textNode(Digests.sha256Prefixed(Canonical.bytes(params)));
      case HMAC -> {
        if (!params.isObject()) {
          yield JsonNodeFactory.instance.textNode(hmac(params, key));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = params.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          out.put(e.getKey(), hmac(e.getValue(), key));
        }
        yield out;
      }
    };
  }

  private static String hmac(JsonNode value, HmacKey key) {
    return "hmac-sha256:" + HexFormat.of().formatHex(key.mac(Canonical.bytes(value)));
  }
}
