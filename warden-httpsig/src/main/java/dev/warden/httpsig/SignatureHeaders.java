package dev.warden.httpsig;

import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Member;
import dev.warden.httpsig.StructuredFields.SfByteSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code Signature-Input} and {@code Signature} fields of a request (RFC 9421 §4.1,
 * §4.2). Several field lines of one name are combined as RFC 9110 §5.3 and RFC 8941 §4.2 say:
 * joined with commas, then parsed as one dictionary.
 */
public final class SignatureHeaders {

  private SignatureHeaders() {}

  /**
   * Returns every signature of the request, in {@code Signature-Input} order.
   *
   * @throws SignatureException MISSING_SIGNATURE if both fields are absent; MALFORMED_SIGNATURE if
   *     one is absent, either does not parse, or a label appears in only one of them
   */
  public static List<LabeledSignature> parse(HttpRequestView request) throws SignatureException {
    List<String> inputLines = request.headerValues("signature-input");
    List<String> signatureLines = request.headerValues("signature");
    if (inputLines.isEmpty() && signatureLines.isEmpty()) {
      throw new SignatureException(
          Reason.MISSING_SIGNATURE, "the request has no Signature-Input and Signature fields");
    }
    if (inputLines.isEmpty()) {
      throw SignatureException.malformed("Signature is present but Signature-Input is missing");
    }
    if (signatureLines.isEmpty()) {
      throw SignatureException.malformed("Signature-Input is present but Signature is missing");
    }
    Map<String, Member> inputs =
        SfParser.dictionary(String.join(",", inputLines), "Signature-Input");
    Map<String, Member> signatures =
        SfParser.dictionary(String.join(",", signatureLines), "Signature");
    if (inputs.isEmpty()) {
      throw SignatureException.malformed("Signature-Input is empty");
    }
    for (String label : signatures.keySet()) {
      if (!inputs.containsKey(label)) {
        throw SignatureException.malformed(
            "Signature has label " + label + " that Signature-Input does not have");
      }
    }
    List<LabeledSignature> result = new ArrayList<>(inputs.size());
    for (Map.Entry<String, Member> e : inputs.entrySet()) {
      String label = e.getKey();
      if (!(e.getValue() instanceof InnerList list)) {
        throw SignatureException.malformed(
            "Signature-Input member " + label + " must be an inner list of components");
      }
      SignatureParameters params;
      try {
        params = SignatureParameters.parse(list);
      } catch (SignatureException ex) {
        throw SignatureException.malformed(
            "Signature-Input member " + label + ": " + ex.getMessage());
      }
      Member signature = signatures.get(label);
      if (signature == null) {
        throw SignatureException.malformed(
            "Signature-Input has label " + label + " that Signature does not have");
      }
      if (!(signature instanceof Item item && item.value() instanceof SfByteSequence bytes)) {
        throw SignatureException.malformed(
            "Signature member " + label + " must be a byte sequence");
      }
      result.add(new LabeledSignature(label, params, bytes.value()));
    }
    return List.copyOf(result);
  }
}
