package dev.warden.server;

/** The files {@code warden init} writes, with every setting at its default and explained. */
final class Defaults {
  private Defaults() {}

  static final int PORT = 8421;

  static String configYaml(String listen) {
    return """
        # Warden configuration (see README.md, "Configuration").
        # Address to listen on. A non-loopback address also needs --allow-public-bind and TLS
        # (tls.cert / tls.key) or --behind-tls-proxy.
        listen: "%s"
        # Host names agents use to reach Warden (they sign them). On loopback, 127.0.0.1,
        # localhost and [::1] with the listen port are always allowed; anything else must be
        # listed, e.g. hosts: ["warden.example.com"]. Required for a non-loopback address.
        # hosts: []
        # The log's name: the origin line of its checkpoints.
        origin: "warden.local/log"
        # How action params are written to the log: hmac (searchable, not readable), digest, plain.
        params: hmac
        # Policy file, relative to this directory.
        policy: policy.yaml
        # tls:
        #   cert: /path/to/fullchain.pem
        #   key: /path/to/privkey.pem
        # Limits on agent requests; the defaults are shown.
        limits:
          max_body_bytes: 1048576
          max_json_depth: 32
          max_header_bytes: 16384
          max_header_count: 100
          clock_skew: 30s
          max_signature_age: 300s
          idempotency_retention: 24h
          refusal_summary_interval: 10s
          warrant_ttl: 5m
        # Adapters run allowed actions (POST /v1/actions); the first whose actions match serves.
        # An action no adapter serves is decision-only: its receipt is the warrant.
        # adapters:
        #   - id: payments-api
        #     type: http
        #     actions: ["payments.*"]
        #     method: POST
        #     url: https://api.example.com/v1/transfers/{resource}
        #     headers:
        #       Authorization: "Bearer {secret:payments_token}"
        #     timeout: {connect: 2s, read: 10s}
        #   - id: receipts-only
        #     type: none
        #     actions: ["*.read"]
        # Secrets adapters inject; never returned to agents, never logged.
        # secrets:
        #   payments_token: {env: PAYMENTS_TOKEN}
        #   other_token: {file: /etc/warden/other-token}   # mode 0600
        """
        .formatted(listen);
  }

  static final String POLICY_YAML =
      """
      # Warden policy (see README.md, "Policy"). Deny overrides escalate overrides allow;
      # a request no rule matches is denied.
      version: 1
      default: deny
      rules:
        - id: allow-reads
          effect: allow
          match:
            action: "*.read"
          reason: "reading is allowed"
        - id: small-payments
          effect: allow
          match:
            action: "payments.transfer"
            resource: "acct/*"
          reason: "payments from team accounts are allowed"
        - id: no-wire-transfers
          effect: deny
          match:
            action: "payments.transfer"
            labels: {channel: wire}
          reason: "wire transfers are never made by agents"
        - id: deletes-need-a-human
          effect: escalate
          match:
            action: "*.delete"
          reason: "deleting needs an operator's approval"
          approvers: ["ops"]
          min_approvals: 1
          ttl: 15m
      """;
}
