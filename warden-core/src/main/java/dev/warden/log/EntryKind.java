package dev.warden.log;

import java.util.Locale;

/** The kinds of log entry (SPEC §12). The wire name is the lower-case enum name. */
public enum EntryKind {
  DECISION,
  EXECUTION,
  REFUSAL,
  REFUSAL_SUMMARY,
  APPROVAL,
  POLICY,
  KEY,
  ADMIN,
  ANCHOR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
