package dev.warden.server.adapter;

import dev.warden.server.adapter.Outcome.Reason;

/**
 * Inside {@link HttpAdapter}: why one execution stopped. Becomes an {@link Outcome.Failed} in
 * exactly one place, {@link HttpAdapter#execute}. The message must not contain secret values or
 * params values.
 */
final class AdapterFailure extends Exception {
  private final Reason reason;

  AdapterFailure(Reason reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  AdapterFailure(Reason reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }
}
