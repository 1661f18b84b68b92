package dev.warden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.server.DataDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Talks to a running server's operator API with the admin token. The server's address comes from
 * {@code --url} or the {@code server.url} file a running server writes into its data directory; the
 * token from {@code $WARDEN_TOKEN} or {@code admin.token}.
 */
final class AdminClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** An API answer: the status and the parsed body (a problem document on errors). */
  record Reply(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** "code: detail" of a problem document. */
    String problem() {
      return body.path("code").asText("http " + status) + ": " + body.path("detail").asText("");
    }
  }

  /** The server's base URL. */
  URI base() {
    return base;
  }

  /** A client of the same server speaking with another operator token. */
  AdminClient as(String otherToken) {
    return new AdminClient(base, otherToken);
  }

  static AdminClient connect(DataDir dir, @Nullable String url) throws IOException {
    return new AdminClient(serverUrl(dir, url), token(dir));
  }

  static URI serverUrl(DataDir dir, @Nullable String url) throws IOException {
    if (url != null) {
      return URI.create(url);
    }
    if (!Files.isRegularFile(dir.serverAddress())) {
      throw new IOException(
          "no running server found for "
              + dir.root()
              + " (start one with: warden serve --data-dir "
              + dir.root()
              + ", or pass --url)");
    }
    return URI.create(Files.readString(dir.serverAddress()).strip());
  }

  private static String token(DataDir dir) throws IOException {
    String env = System.getenv("WARDEN_TOKEN");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    return dir.loadAdminToken();
  }

  Reply call(String method, String path, @Nullable JsonNode body) throws IOException {
    HttpRequest.Builder b = request(path);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return send(b);
  }

  /** {@code PUT path} with a UTF-8 text body (a policy document). */
  Reply putText(String path, String text) throws IOException {
    return send(
        request(path)
            .header("Content-Type", "text/plain; charset=utf-8")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    text, java.nio.charset.StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }

  private Reply send(HttpRequest.Builder b) throws IOException {
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode parsed = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new Reply(r.statusCode(), parsed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.net.ConnectException e) {
      throw new IOException("cannot reach Warden at " + base + " (is 'warden serve' running?)", e);
    }
  }
}
