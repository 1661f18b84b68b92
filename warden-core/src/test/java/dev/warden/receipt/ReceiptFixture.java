package dev.warden.receipt;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Ed25519KeyPair;
import dev.warden.json.Canonical;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small log of decision entries with a signed checkpoint, and receipts issued from it. */
final class ReceiptFixture {
  static final String ORIGIN = "warden.example.com/log";

  final Ed25519KeyPair logKeyPair;
  final NoteSigner logSigner;
  final Ed25519KeyPair receiptKeyPair;
  final String kid;
  final Jwks jwks;
  final List<byte[]> entries = new ArrayList<>();
  final NodeSource nodes;
  final String checkpoint;
  final ReceiptIssuer issuer;

  ReceiptFixture(long seed, int size) {
    SplittableRandom random = new SplittableRandom(seed);
    logKeyPair = key(random);
    logSigner = new NoteSigner(ORIGIN, logKeyPair);
    receiptKeyPair = key(random);
    kid = Jwk.thumbprint(receiptKeyPair.publicKey());
    jwks = Jwks.of(receiptKeyPair.publicKey());
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      byte[] e = entry(i, random);
      entries.add(e);
      leaves.add(MerkleHasher.leafHash(e));
    }
    nodes = NodeSource.ofLeaves(leaves);
    try {
      checkpoint =
          logSigner.sign(new Checkpoint(ORIGIN, size, MerkleProofs.root(size, nodes)).body());
    } catch (StoreException e) {
      throw new AssertionError(e);
    }
    issuer = new ReceiptIssuer(receiptKeyPair, kid, ORIGIN);
  }

  Receipt receipt(int index) {
    try {
      return issuer.issue(
          entries.get(index),
          index,
          MerkleProofs.inclusion(index, entries.size(), nodes),
          checkpoint);
    } catch (StoreException e) {
      throw new AssertionError(e);
    }
  }

  List<byte[]> proof(int index) {
    try {
      return MerkleProofs.inclusion(index, entries.size(), nodes);
    } catch (StoreException e) {
      throw new AssertionError(e);
    }
  }

  static Ed25519KeyPair key(SplittableRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return Ed25519KeyPair.fromSeed(seed);
  }

  static byte[] entry(int i, SplittableRandom random) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("v", 1);
    e.put("kind", "decision");
    e.put("ts", "2026-11-21T23:40:01.123Z");
    e.put("decision_id", "01JDECISION" + String.format("%015d", i));
    e.put("agent", "agent-" + random.nextInt(5));
    e.put("tenant", "acme");
    e.put("action", "payments.transfer");
    e.put("resource", "account/" + random.nextInt(1_000));
    e.put("decision", i % 3 == 0 ? "deny" : "allow");
    e.putArray("reasons").addObject().put("code", "policy.allow").put("message", "ok ✓");
    e.put("policy_hash", "sha256:" + "ab".repeat(32));
    return Canonical.bytes(e);
  }
}
