package dev.warden.server.http;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.httpsig.LabeledSignature;
import dev.warden.httpsig.SignatureException;
import dev.warden.httpsig.SignatureHeaders;
import dev.warden.pipeline.ActionResponse;
import dev.warden.pipeline.DecisionPipeline;
import dev.warden.pipeline.DecisionResponse;
import dev.warden.server.operator.ClientCertificates;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signed agent endpoints: {@code POST /v1/decisions}, {@code POST /v1/actions}, {@code GET
 * /v1/decisions/{id}}.
 */
public final class AgentApi {
  private static final Pattern WAIT = Pattern.compile("([0-9]{1,3})s");

  private final DecisionPipeline pipeline;
  private final RequestReader reader;
  private final ClientCertificates certificates;

  public AgentApi(DecisionPipeline pipeline, RequestReader reader) {
    this(pipeline, reader, ClientCertificates.NONE);
  }

  /**
   * @param certificates agents bound to client certificates ({@code tls.clients})
   */
  public AgentApi(
      DecisionPipeline pipeline, RequestReader reader, ClientCertificates certificates) {
    this.pipeline = pipeline;
    this.reader = reader;
    this.certificates = certificates;
  }

  public void decide(Context ctx) throws RequestRejected {
    respond(ctx, counted(ctx, pipeline.decide(readCounted(ctx))));
  }

  /** Marks a new decision for {@link SurfaceFilter} to count by outcome. */
  private static DecisionResponse counted(Context ctx, DecisionResponse r) {
    if (!r.replayed()) {
      ctx.req().setAttribute(SurfaceFilter.DECISION, r.body());
    }
    return r;
  }

  /**
   * {@code POST /v1/actions}: as {@code POST /v1/decisions}, and an allow an adapter serves is
   * executed; see {@link ActionAnswers}.
   */
  public void act(Context ctx) throws RequestRejected {
    ActionResponse r = pipeline.act(readCounted(ctx));
    switch (r) {
      case ActionResponse.Decided d -> counted(ctx, d.decision());
      case ActionResponse.Denied d -> counted(ctx, d.decision());
      case ActionResponse.Executed e -> counted(ctx, e.decision());
    }
    switch (r) {
      case ActionResponse.Decided d -> respond(ctx, d.decision());
      case ActionResponse.Denied d -> ActionAnswers.denied(ctx, d.decision());
      case ActionResponse.Executed e -> ActionAnswers.executed(ctx, e);
    }
  }

  /**
   * {@code GET /v1/decisions/{id}}: the decision as it stands; an approved action that was executed
   * is answered as {@code POST /v1/actions} answers an execution ({@link ActionAnswers}).
   */
  public void get(Context ctx) throws RequestRejected {
    dev.warden.pipeline.IncomingRequest req = readCounted(ctx);
    switch (pipeline.get(req, ctx.pathParam("id"), waitOf(ctx))) {
      case ActionResponse.Executed e -> ActionAnswers.executed(ctx, e);
      case ActionResponse.Decided d -> respond(ctx, d.decision());
      case ActionResponse.Denied d -> respond(ctx, d.decision());
    }
  }

  /** {@code ?wait=30s}: how long to wait for a pending decision; zero without it. */
  private static Duration waitOf(Context ctx) throws RequestRejected {
    String wait = ctx.queryParam("wait");
    if (wait == null) {
      return Duration.ZERO;
    }
    Matcher m = WAIT.matcher(wait);
    if (!m.matches()) {
      throw new RequestRejected(
          ErrorCode.REQUEST_INVALID,
          "wait must be seconds like 30s (at most "
              + DecisionPipeline.MAX_WAIT.toSeconds()
              + "s), got "
              + (wait.length() > 20 ? wait.substring(0, 20) + "…" : wait));
    }
    return Duration.ofSeconds(Long.parseLong(m.group(1)));
  }

  private dev.warden.pipeline.IncomingRequest readCounted(Context ctx) throws RequestRejected {
    try {
      dev.warden.pipeline.IncomingRequest req = reader.read(ctx);
      checkCertificate(ctx, req);
      return req;
    } catch (RequestRejected r) {
      pipeline.countUnauthenticated(r.code(), ctx.ip());
      throw r;
    }
  }

  /**
   * Before the pipeline: a request of an agent bound to a client certificate must come with it. The
   * agent is read from the signature's {@code keyid}; the pipeline then verifies the signature with
   * that agent's key, so a request cannot name one agent here and be another.
   */
  private void checkCertificate(Context ctx, dev.warden.pipeline.IncomingRequest req)
      throws RequestRejected {
    if (certificates.agents().isEmpty()) {
      return;
    }
    String keyId;
    try {
      List<LabeledSignature> sigs = SignatureHeaders.parse(req);
      if (sigs.isEmpty()) {
        return; // refused by the pipeline
      }
      keyId = sigs.get(0).params().keyId();
    } catch (SignatureException e) {
      return; // refused by the pipeline, with the reason
    }
    int slash = keyId.indexOf('/');
    String agent = slash < 0 ? keyId : keyId.substring(0, slash);
    String mismatch = certificates.agentMismatch(agent, Tls.clientCertificate(ctx.req()));
    if (mismatch != null) {
      throw new RequestRejected(ErrorCode.AUTH_CERTIFICATE_MISMATCH, mismatch);
    }
  }

  static void respond(Context ctx, DecisionResponse r) {
    ctx.status(r.status());
    r.headers().forEach(ctx::header);
    ctx.contentType("application/json");
    if (r.status() == 202) {
      ctx.header("Location", "/v1/decisions/" + r.decisionId());
    }
    if (r.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    ctx.result(r.body());
  }
}
