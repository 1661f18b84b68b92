package dev.warden.httpsig;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One signature of a request: its label (the dictionary key shared by {@code Signature-Input} and
 * {@code Signature}), its parameters, and the signature bytes (copied in and out).
 */
public record LabeledSignature(String label, SignatureParameters params, byte[] signature) {

  public LabeledSignature {
    requireNonNull(label, "label");
    requireNonNull(params, "params");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabeledSignature other
        && label.equals(other.label)
        && params.equals(other.params)
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return (label.hashCode() * 31 + params.hashCode()) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "LabeledSignature[" + label + ", keyid=" + params.keyId() + "]";
  }
}
