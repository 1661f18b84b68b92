package dev.warden.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.server.adapter.AdapterConfigException;
import dev.warden.server.adapter.ConfigReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mcp:} section of {@code warden.yaml} (SPEC §10): the upstream MCP servers Warden
 * reaches, and the gateways it serves to agents at {@code /mcp/<gateway>}, each showing the tools,
 * resources and prompts of some of those servers.
 *
 * <pre>
 * mcp:
 *   servers:
 *     - id: files                      # names the server in resources: files/read_text_file
 *       command: [node, server.js, /srv/docs]
 *       env: {LOG_LEVEL: info}         # besides HOME, LOGNAME, PATH, SHELL, TERM, USER
 *       timeout: 30s                   # per call; default 30s
 *     - id: search
 *       url: http://127.0.0.1:3001/mcp # Streamable HTTP
 *   gateways:
 *     - id: tools
 *       servers: [files, search]
 *       hold: 50s                      # how long an escalated call waits for approval
 *       resources: true                # pass resources through (mcp.resource.read)
 *       prompts: true                  # pass prompts through (mcp.prompt.get)
 * </pre>
 *
 * @param servers by id, in configuration order
 * @param gateways by id, in configuration order
 */
public record McpConfig(Map<String, Server> servers, Map<String, Gateway> gateways) {

  /** An id of a server or gateway: it appears in URLs and policy resources. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /** Below the 60 s request timeout of the TypeScript SDK's client, so the answer reaches it. */
  static final Duration DEFAULT_HOLD = Duration.ofSeconds(50);

  static final Duration MAX_HOLD = Duration.ofMinutes(10);
  static final int DEFAULT_MAX_RESULT_BYTES = 1 << 20;

  private static final Set<String> TOP = Set.of("servers", "gateways");
  private static final Set<String> SERVER =
      Set.of("id", "url", "command", "env", "timeout", "max_result_bytes");
  private static final Set<String> GATEWAY =
      Set.of("id", "servers", "hold", "resources", "prompts");

  /** No MCP: no gateway is served. */
  public static final McpConfig NONE = new McpConfig(Map.of(), Map.of());

  public McpConfig {
    servers = Map.copyOf(servers);
    gateways = Map.copyOf(gateways);
  }

  /**
   * One upstream MCP server: a Streamable HTTP {@code url}, or a stdio {@code command} Warden
   * starts and supervises.
   *
   * @param command argv, the program first; empty for a URL server
   * @param env extra environment of a command (nothing else of Warden's environment is passed but
   *     HOME, LOGNAME, PATH, SHELL, TERM and USER)
   * @param timeout the longest one call waits for the server's answer
   * @param maxResultBytes the largest answer accepted from the server
   */
  public record Server(
      String id,
      @Nullable URI url,
      List<String> command,
      Map<String, String> env,
      Duration timeout,
      int maxResultBytes) {
    public Server {
      Objects.requireNonNull(id, "id");
      command = List.copyOf(command);
      env = Map.copyOf(env);
      if ((url == null) == command.isEmpty()) {
        throw new IllegalArgumentException("a server has exactly one of url and command");
      }
    }

    boolean stdio() {
      return url == null;
    }
  }

  /**
   * A gateway served at {@code /mcp/<id>}.
   *
   * @param servers the servers it aggregates, in order (collisions are resolved by {@link
   *     Exposure})
   * @param hold how long an escalated call waits for approval before it is refused
   */
  public record Gateway(
      String id, List<String> servers, Duration hold, boolean resources, boolean prompts) {
    public Gateway {
      Objects.requireNonNull(id, "id");
      servers = List.copyOf(servers);
      Objects.requireNonNull(hold, "hold");
    }
  }

  /**
   * Reads the {@code mcp:} section; null (absent) is {@link #NONE}.
   *
   * @throws AdapterConfigException naming the field by JSON Pointer from the document root
   */
  public static McpConfig load(@Nullable JsonNode node) throws AdapterConfigException {
    if (node == null || node.isNull()) {
      return NONE;
    }
    ConfigReader.object(node, "/mcp", TOP);
    Map<String, Server> servers = new LinkedHashMap<>();
    for (JsonNode s : list(node.get("servers"), "/mcp/servers")) {
      String at = "/mcp/servers/" + servers.size();
      Server server = server(s, at);
      if (servers.putIfAbsent(server.id(), server) != null) {
        throw ConfigReader.schema(at + "/id", "server id " + server.id() + " is used twice");
      }
    }
    Map<String, Gateway> gateways = new LinkedHashMap<>();
    for (JsonNode g : list(node.get("gateways"), "/mcp/gateways")) {
      String at = "/mcp/gateways/" + gateways.size();
      Gateway gateway = gateway(g, at, servers.keySet());
      if (gateways.putIfAbsent(gateway.id(), gateway) != null) {
        throw ConfigReader.schema(at + "/id", "gateway id " + gateway.id() + " is used twice");
      }
    }
    return new McpConfig(servers, gateways);
  }

  private static List<JsonNode> list(@Nullable JsonNode node, String at)
      throws AdapterConfigException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ConfigReader.schema(at, "must be a list, got " + ConfigReader.describe(node));
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(out::add);
    return out;
  }

  private static Server server(JsonNode s, String at) throws AdapterConfigException {
    ConfigReader.object(s, at, SERVER);
    String id = id(s, at);
    URI url = null;
    List<String> command = new ArrayList<>();
    if (s.has("url") == s.has("command")) {
      throw ConfigReader.schema(
          at,
          "give exactly one of url (a Streamable HTTP server, like http://127.0.0.1:3001/mcp) and"
              + " command (a stdio server Warden starts, like [node, server.js])");
    }
    if (s.has("url")) {
      url = url(ConfigReader.text(s.get("url"), at + "/url"), at + "/url");
    } else {
      for (JsonNode arg : list(s.get("command"), at + "/command")) {
        command.add(ConfigReader.text(arg, at + "/command/" + command.size()));
      }
      if (command.isEmpty() || command.get(0).isBlank()) {
        throw ConfigReader.schema(at + "/command", "must name the program to start");
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (s.has("env")) {
      JsonNode e = s.get("env");
      if (!e.isObject()) {
        throw ConfigReader.schema(at + "/env", "must be a mapping of NAME: value");
      }
      if (url != null) {
        throw ConfigReader.schema(at + "/env", "only a command server has an environment");
      }
      for (var it = e.fields(); it.hasNext(); ) {
        var f = it.next();
        env.put(f.getKey(), ConfigReader.text(f.getValue(), at + "/env/" + f.getKey()));
      }
    }
    Duration timeout =
        s.has("timeout")
            ? ConfigReader.duration(s.get("timeout"), at + "/timeout", MAX_TIMEOUT)
            : DEFAULT_TIMEOUT;
    int maxResult =
        s.has("max_result_bytes")
            ? (int)
                ConfigReader.integer(
                    s.get("max_result_bytes"), at + "/max_result_bytes", 1024, 64L << 20)
            : DEFAULT_MAX_RESULT_BYTES;
    return new Server(id, url, command, env, timeout, maxResult);
  }

  private static Gateway gateway(JsonNode g, String at, Set<String> known)
      throws AdapterConfigException {
    ConfigReader.object(g, at, GATEWAY);
    String id = id(g, at);
    List<String> servers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<JsonNode> listed =
        list(
            ConfigReader.required(
                g, at, "servers", "list the ids of the servers this gateway shows"),
            at + "/servers");
    for (JsonNode n : listed) {
      String where = at + "/servers/" + servers.size();
      String s = ConfigReader.text(n, where);
      if (!known.contains(s)) {
        throw ConfigReader.schema(
            where, "no server " + s + " under mcp.servers; the servers are " + known);
      }
      if (!seen.add(s)) {
        throw ConfigReader.schema(where, "server " + s + " is listed twice");
      }
      servers.add(s);
    }
    if (servers.isEmpty()) {
      throw ConfigReader.schema(at + "/servers", "list at least one server");
    }
    Duration hold =
        g.has("hold") ? ConfigReader.duration(g.get("hold"), at + "/hold", MAX_HOLD) : DEFAULT_HOLD;
    boolean resources =
        !g.has("resources") || ConfigReader.bool(g.get("resources"), at + "/resources");
    boolean prompts = !g.has("prompts") || ConfigReader.bool(g.get("prompts"), at + "/prompts");
    return new Gateway(id, servers, hold, resources, prompts);
  }

  private static String id(JsonNode node, String at) throws AdapterConfigException {
    String id =
        ConfigReader.text(
            ConfigReader.required(node, at, "id", "give it an id like " + "files"), at + "/id");
    if (!ID.matcher(id).matches()) {
      throw ConfigReader.schema(
          at + "/id", "\"" + ConfigReader.shown(id) + "\" must match " + ID.pattern());
    }
    return id;
  }

  private static URI url(String text, String at) throws AdapterConfigException {
    URI u;
    try {
      u = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw ConfigReader.schema(at, "is not a URL: " + e.getMessage());
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
        || u.getHost() == null
        || u.getRawUserInfo() != null
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw ConfigReader.schema(
          at,
          "must be an http(s) URL without credentials, query or fragment, like"
              + " http://127.0.0.1:3001/mcp");
    }
    return u;
  }
}
