package dev.warden.server.http;

import dev.warden.error.RequestRejected;
import dev.warden.server.operator.OperatorTokens;
import dev.warden.store.StoreException;
import dev.warden.store.TokenRecord;
import io.javalin.http.Context;

/** The operator of a request: its bearer token, or the client certificate mapped to one. */
final class OperatorAuth {
  private OperatorAuth() {}

  static TokenRecord authorize(OperatorTokens tokens, Context ctx, String scope)
      throws RequestRejected, StoreException {
    return tokens.authorize(ctx.header("Authorization"), Tls.clientCertificate(ctx.req()), scope);
  }
}
