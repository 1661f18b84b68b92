package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.limits.Limits;
import dev.warden.pipeline.IncomingRequest;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an HTTP request into an {@link IncomingRequest}, enforcing the limits that apply before
 * anything else: header count and bytes, body size (413 without reading past the limit), and header
 * values free of control characters. Rebuilds the target URI the agent signed: scheme (https with
 * TLS or behind a TLS proxy), {@code Host}, and the raw path and query.
 */
public final class RequestReader {
  private final Limits limits;
  private final String scheme;
  private final AllowedHosts hosts;

  public RequestReader(Limits limits, boolean https, AllowedHosts hosts) {
    this.limits = limits;
    this.scheme = https ? "https" : "http";
    this.hosts = hosts;
  }

  public IncomingRequest read(Context ctx) throws RequestRejected {
    HttpServletRequest req = ctx.req();
    Map<String, List<String>> headers = headers(req);
    byte[] body = body(req);
    String host = req.getHeader("Host");
    if (host == null || host.isBlank()) {
      throw new RequestRejected(ErrorCode.REQUEST_INVALID_HEADER, "the request has no Host header");
    }
    hosts.check(host, req.getLocalPort());
    String query = req.getQueryString();
    URI target;
    try {
      target =
          new URI(scheme + "://" + host + req.getRequestURI() + (query == null ? "" : "?" + query));
    } catch (URISyntaxException e) {
      throw new RequestRejected(
          ErrorCode.REQUEST_INVALID_HEADER, "the request target or Host is not a valid URI");
    }
    return new IncomingRequest(req.getMethod(), target, headers, body, ctx.ip());
  }

  private Map<String, List<String>> headers(HttpServletRequest req) throws RequestRejected {
    Map<String, List<String>> out = new HashMap<>();
    int lines = 0;
    for (String name : Collections.list(req.getHeaderNames())) {
      List<String> values = new ArrayList<>();
      for (String v : Collections.list(req.getHeaders(name))) {
        if (++lines > limits.maxHeaderCount()) {
          throw new RequestRejected(
              ErrorCode.REQUEST_HEADERS_TOO_LARGE,
              "more than " + limits.maxHeaderCount() + " header lines (limits.max_header_count)");
        }
        checkValue(name, v);
        values.add(v);
      }
      out.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values);
    }
    return out;
  }

  private static void checkValue(String name, String v) throws RequestRejected {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new RequestRejected(
            ErrorCode.REQUEST_INVALID_HEADER,
            "header " + name + " contains a control character (0x" + Integer.toHexString(c) + ")");
      }
    }
  }

  private byte[] body(HttpServletRequest req) throws RequestRejected {
    int max = limits.json().maxBodyBytes();
    long declared = req.getContentLengthLong();
    if (declared > max) {
      throw tooLarge(declared, max);
    }
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw tooLarge(b.length, max);
      }
      return b;
    } catch (IOException e) {
      throw new RequestRejected(ErrorCode.REQUEST_INVALID, "the request body could not be read");
    }
  }

  private static RequestRejected tooLarge(long size, int max) {
    return new RequestRejected(
        ErrorCode.REQUEST_TOO_LARGE,
        "the body is "
            + (size > max ? "larger than " + max : String.valueOf(size))
            + " bytes; the limit is "
            + max
            + " bytes (limits.max_body_bytes)");
  }
}
