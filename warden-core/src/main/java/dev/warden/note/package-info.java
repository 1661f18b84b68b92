/**
 * C2SP signed notes ({@code c2sp.org/signed-note}), checkpoints ({@code c2sp.org/tlog-checkpoint})
 * and tlog proofs ({@code c2sp.org/tlog-proof}), with Ed25519 signatures (signature type 0x01).
 * Parsing is strict; verification throws {@link dev.warden.note.NoteException}.
 */
@NullMarked
package dev.warden.note;

import org.jspecify.annotations.NullMarked;
