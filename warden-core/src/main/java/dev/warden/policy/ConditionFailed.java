package dev.warden.policy;

/**
 * A rule's condition could not be evaluated for a request. The message is fit for a decision's
 * reason: it names what went wrong in CEL's terms (including key names CEL reports) but carries no
 * other request values and no storage internals.
 */
final class ConditionFailed extends Exception {

  ConditionFailed(String message) {
    super(message);
  }

  ConditionFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
