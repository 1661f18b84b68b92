/**
 * {@code warden audit}: verifying a whole log from what is stored ({@link LogAuditor}), locating
 * and classifying damage ({@link AuditResult}), and moving a log between data directories through a
 * verified export file ({@link LogExport}, {@link ExportSource}, {@link LogImporter}).
 *
 * <p>What is trusted: only the verifier keys the caller passes, and optionally one checkpoint the
 * caller saved earlier. Everything read from the source — entries, stored checkpoints, stored tree
 * nodes, the head — is evidence to be checked, never an authority.
 */
@NullMarked
package dev.warden.audit;

import org.jspecify.annotations.NullMarked;
