package dev.warden.auth;

import dev.warden.httpsig.SignatureParameters;
import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;

/** A request whose signature verified: who signed it, with which key, with which parameters. */
public record Authenticated(AgentRecord agent, AgentKey key, SignatureParameters params) {}
