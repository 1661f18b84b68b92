package dev.warden.server.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The configured adapters, in configuration order. An action is served by the <em>first</em>
 * adapter one of whose {@code actions} globs matches it, so list specific adapters before general
 * ones ({@code payments.refund} before {@code payments.*}); an action no adapter matches has none.
 * Immutable and thread-safe.
 */
public final class Adapters {

  private final List<AdapterConfig> adapters;
  private final SecretStore secrets;

  private Adapters(List<AdapterConfig> adapters, SecretStore secrets) {
    this.adapters = adapters;
    this.secrets = secrets;
  }

  /** No adapters: every action is decision-only. */
  public static Adapters empty() {
    return new Adapters(List.of(), SecretStore.empty());
  }

  /**
   * Reads the {@code adapters:} and {@code secrets:} sections of {@code warden.yaml}, taking
   * environment variables from the process environment.
   *
   * @see #load(JsonNode, JsonNode, Function)
   */
  public static Adapters load(@Nullable JsonNode adapters, @Nullable JsonNode secrets)
      throws AdapterConfigException {
    return load(adapters, secrets, System::getenv);
  }

  /**
   * Reads the {@code adapters:} and {@code secrets:} sections of {@code warden.yaml}; either may be
   * null (absent). Secrets are resolved now, once; unknown fields, duplicate ids, unsafe templates
   * and unreadable secrets are refused.
   *
   * @param env looks up an environment variable for {@code {env: NAME}} secrets; null when unset
   * @throws AdapterConfigException naming the field by JSON Pointer from the document root
   */
  public static Adapters load(
      @Nullable JsonNode adapters,
      @Nullable JsonNode secrets,
      Function<String, @Nullable String> env)
      throws AdapterConfigException {
    SecretStore store = SecretStore.load(secrets, env);
    if (adapters == null || adapters.isNull()) {
      return new Adapters(List.of(), store);
    }
    if (!adapters.isArray()) {
      throw ConfigReader.schema(
          "/adapters", "must be a list of adapters, got " + ConfigReader.describe(adapters));
    }
    AdapterParser parser = new AdapterParser(store);
    List<AdapterConfig> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < adapters.size(); i++) {
      AdapterConfig a = parser.parse(adapters.get(i), "/adapters/" + i);
      if (!ids.add(a.id())) {
        throw ConfigReader.schema(
            "/adapters/" + i + "/id", "adapter id " + a.id() + " is used twice; ids are unique");
      }
      out.add(a);
    }
    return new Adapters(List.copyOf(out), store);
  }

  /** The first adapter, in configuration order, that serves {@code action}. */
  public Optional<AdapterConfig> forAction(String action) {
    for (AdapterConfig a : adapters) {
      if (a.serves(action)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** All adapters, in configuration order. */
  public List<AdapterConfig> all() {
    return adapters;
  }

  /** The secrets the configuration declared. */
  public SecretStore secrets() {
    return secrets;
  }
}
