package dev.warden.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.limits.Limits;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.server.http.AllowedHosts;
import dev.warden.server.http.Problems;
import dev.warden.server.operator.AgentTokens;
import dev.warden.store.StoreException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The front of every MCP gateway, {@code /mcp/<gateway>}: what Warden checks before the MCP SDK
 * sees a request. The Host is one of Warden's names; the agent's MCP token is valid and its agent
 * active (refusals counted like any unauthenticated refusal); a session is used only by the token
 * that opened it; a POSTed message is one strict JSON-RPC object within the body limits (no
 * duplicate keys, no batch) and a {@code tools/call} names a tool the gateway shows — both refusals
 * of an authenticated agent are logged. Then the gateway's SDK servlet handles it.
 */
final class McpServlet extends HttpServlet {
  static final String PREFIX = "/mcp/";
  private static final String SESSION = "Mcp-Session-Id";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient Map<String, Gateway> gateways;
  private final transient AgentTokens tokens;
  private final transient DecisionPipeline pipeline;
  private final transient McpSessions sessions;
  private final transient AllowedHosts hosts;
  private final transient Limits limits;
  private final transient Clock clock;

  McpServlet(
      Map<String, Gateway> gateways,
      AgentTokens tokens,
      DecisionPipeline pipeline,
      McpSessions sessions,
      AllowedHosts hosts,
      Limits limits,
      Clock clock) {
    this.gateways = Map.copyOf(gateways);
    this.tokens = tokens;
    this.pipeline = pipeline;
    this.sessions = sessions;
    this.hosts = hosts;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res)
      throws ServletException, IOException {
    String path = req.getRequestURI();
    Gateway g = path.startsWith(PREFIX) ? gateways.get(path.substring(PREFIX.length())) : null;
    if (g == null) {
      Problems.write(
          res,
          new RequestRejected(
              ErrorCode.REQUEST_NOT_FOUND,
              "no MCP gateway at "
                  + path
                  + "; the gateways are "
                  + gateways.keySet().stream().sorted().map(id -> PREFIX + id).toList()));
      return;
    }
    AgentTokens.Caller caller;
    try {
      String host = req.getHeader("Host");
      if (host == null || host.isBlank()) {
        throw new RequestRejected(
            ErrorCode.REQUEST_INVALID_HEADER, "the request has no Host header");
      }
      hosts.check(host, req.getLocalPort());
      caller = tokens.authenticate(req.getHeader("Authorization"));
    } catch (RequestRejected r) {
      pipeline.countUnauthenticated(r.code(), req.getRemoteAddr());
      if (r.code() == ErrorCode.AUTH_MISSING_TOKEN || r.code() == ErrorCode.AUTH_BAD_TOKEN) {
        res.setHeader("WWW-Authenticate", "Bearer realm=\"warden-mcp\"");
      }
      Problems.write(res, r);
      return;
    } catch (StoreException e) {
      Problems.write(
          res,
          new RequestRejected(ErrorCode.STORE_UNAVAILABLE, "the store is unavailable; try again"));
      return;
    }
    String session = req.getHeader(SESSION);
    if (session != null && !sessions.owns(session, caller, clock.instant())) {
      rpcError(res, 404, null, -32000, "session not found; initialize a new one", null);
      return;
    }
    byte[] checked = null;
    if ("POST".equals(req.getMethod())) {
      byte[] body = readBody(req);
      try {
        if (body == null) {
          throw new RequestRejected(
              ErrorCode.REQUEST_TOO_LARGE,
              "the message is larger than " + limits.json().maxBodyBytes() + " bytes");
        }
        JsonNode message = parse(body);
        checkTool(g, message);
      } catch (RequestRejected r) {
        RequestRejected logged = pipeline.refuse(caller.agent(), caller.tokenId(), r);
        int code = r.code() == ErrorCode.MCP_UNKNOWN_TOOL ? GatewayCalls.INVALID_PARAMS : -32600;
        ObjectNode data = GatewayCalls.data(r.code(), logged.decisionId().orElse(null));
        rpcError(
            res,
            r.code() == ErrorCode.MCP_UNKNOWN_TOOL ? 200 : 400,
            idOf(body),
            code,
            r.detail(),
            data);
        return;
      }
      checked = body;
    }
    Forwarded forward = new Forwarded(req, checked, caller);
    forward.setAttribute(GatewayCalls.CALLER, caller);
    g.servlet().service(forward, new SessionCapture(res, caller));
    if ("DELETE".equals(req.getMethod()) && session != null) {
      sessions.closed(session);
    }
  }

  /** The body, or null when it is larger than the limit. */
  private byte @Nullable [] readBody(HttpServletRequest req) throws IOException {
    int max = limits.json().maxBodyBytes();
    if (req.getContentLengthLong() > max) {
      return null;
    }
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(max + 1);
      return b.length > max ? null : b;
    }
  }

  private JsonNode parse(byte[] body) throws RequestRejected {
    JsonNode message;
    try {
      message = StrictJson.parse(body, limits.json());
    } catch (JsonRejected e) {
      throw new RequestRejected(ErrorCode.MCP_INVALID, "not a JSON-RPC message: " + e.getMessage());
    }
    if (message.isArray()) {
      throw new RequestRejected(
          ErrorCode.MCP_INVALID, "JSON-RPC batches are not part of MCP; send one message");
    }
    if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").textValue())) {
      throw new RequestRejected(
          ErrorCode.MCP_INVALID, "a JSON-RPC message is an object with \"jsonrpc\": \"2.0\"");
    }
    return message;
  }

  private static void checkTool(Gateway g, JsonNode message) throws RequestRejected {
    if (!"tools/call".equals(message.path("method").textValue())) {
      return;
    }
    JsonNode name = message.path("params").path("name");
    if (!name.isTextual() || !g.shown().tools().containsKey(name.textValue())) {
      throw new RequestRejected(
          ErrorCode.MCP_UNKNOWN_TOOL,
          "gateway "
              + g.id()
              + " has no tool "
              + (name.isTextual() ? "\"" + shorten(name.textValue()) + "\"" : "without a name")
              + "; tools/list shows the tools");
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** The id of the message, when it has a usable one. */
  private static @Nullable JsonNode idOf(byte @Nullable [] body) {
    if (body == null) {
      return null;
    }
    try {
      JsonNode id = JSON.readTree(body).path("id");
      return id.isTextual() || id.isIntegralNumber() ? id : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void rpcError(
      HttpServletResponse res,
      int status,
      @Nullable JsonNode id,
      int code,
      String message,
      @Nullable ObjectNode data)
      throws IOException {
    ObjectNode out = JSON.createObjectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id);
    ObjectNode error = out.putObject("error");
    error.put("code", code);
    error.put("message", message);
    if (data != null) {
      error.set("data", data);
    }
    res.setStatus(status);
    res.setContentType("application/json");
    res.getOutputStream().write(JSON.writeValueAsBytes(out));
  }

  /**
   * The request as the SDK sees it: the body already read (and checked), and every stream it opens
   * remembered as the caller's, so cutting the caller closes it.
   */
  private final class Forwarded extends HttpServletRequestWrapper {
    private final byte @Nullable [] body;
    private final AgentTokens.Caller caller;

    Forwarded(HttpServletRequest req, byte @Nullable [] body, AgentTokens.Caller caller) {
      super(req);
      this.body = body;
      this.caller = caller;
    }

    @Override
    public AsyncContext startAsync() {
      AsyncContext async = super.startAsync();
      sessions.stream(async, caller);
      return async;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (body == null) {
        return super.getInputStream();
      }
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          // The whole body is here already: it is available, then all read.
          try {
            listener.onDataAvailable();
            listener.onAllDataRead();
          } catch (IOException e) {
            listener.onError(e);
          }
        }
      };
    }

    @Override
    public BufferedReader getReader() throws IOException {
      if (body == null) {
        return super.getReader();
      }
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Binds the session the SDK opens to the caller as the SDK names it — before the answer leaves,
   * so the client's next request finds it bound.
   */
  private final class SessionCapture extends HttpServletResponseWrapper {
    private final AgentTokens.Caller caller;

    SessionCapture(HttpServletResponse res, AgentTokens.Caller caller) {
      super(res);
      this.caller = caller;
    }

    @Override
    public void setHeader(String name, String value) {
      bind(name, value);
      super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
      bind(name, value);
      super.addHeader(name, value);
    }

    private void bind(String name, String value) {
      if (SESSION.equalsIgnoreCase(name) && !sessions.open(value, caller, clock.instant())) {
        throw new IllegalStateException(
            "more than " + McpSessions.MAX_SESSIONS + " open MCP sessions");
      }
    }
  }
}
