package dev.warden.store.postgresql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The {@code --store} form of a PostgreSQL address, {@code
 * postgresql://[user[:password]@]host[:port]/database[?param=value&...]} (also {@code postgres://}
 * and {@code jdbc:postgresql://}), as a JDBC URL plus the user and password taken out of it. The
 * query parameters are the PostgreSQL JDBC driver's ({@code user}, {@code password}, {@code
 * sslmode}, {@code currentSchema}, ...). The password never appears in {@link #toString()}.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database?...}, without user information
 * @param redacted {@code jdbcUrl} with any {@code password} parameter replaced by {@code ***}
 * @param credentials the user and password given before the host, if any
 */
record ConnectionUrl(String jdbcUrl, String redacted, Properties credentials) {

  static ConnectionUrl parse(String url) {
    String rest;
    if (url.startsWith("jdbc:postgresql://")) {
      rest = url.substring("jdbc:postgresql://".length());
    } else if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException(
          "a PostgreSQL store is given as postgresql://host[:port]/database[?user=...], not "
              + redact(url));
    }
    URI uri;
    try {
      uri = new URI("postgresql://" + rest);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a valid PostgreSQL URL: " + redact(url) + " (" + e.getReason() + ")");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL names a host and a database: postgresql://host[:port]/database, not "
              + redact(url));
    }
    Properties credentials = new Properties();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      credentials.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        credentials.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String jdbc = "jdbc:postgresql://" + host + uri.getRawPath() + query;
    return new ConnectionUrl(jdbc, redact(jdbc), credentials);
  }

  @Override
  public String toString() {
    return redacted;
  }

  /** The URL with any password (in the user information or a parameter) replaced by ***. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***")
        .replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
