import { DerError, TAG, children, readOid, readSmallInt, readTlv } from '../asn1/der';

/**
 * Certificate policy processing of RFC 5280 6.1 (6.1.2 initialisation, 6.1.3 (d)-(f), 6.1.4 (a),
 * (b), (h)-(j), 6.1.5 (a), (b), (g)): the valid_policy_tree with policy mappings, requireExplicitPolicy,
 * inhibitPolicyMapping and inhibitAnyPolicy, intersected with the user-initial-policy-set.
 */

export const ANY_POLICY = '2.5.29.32.0';
/** RFC 5280 4.2.1.4: the two qualifiers a certificate user can interpret. */
const KNOWN_QUALIFIERS = new Set(['1.3.6.1.5.5.7.2.1', '1.3.6.1.5.5.7.2.2']);

export interface PolicyInformation {
  oid: string;
  /** Qualifier ids Certbench does not interpret (RFC 5280 4.2.1.4: fatal when the extension is critical). */
  unknownQualifiers: string[];
}

export interface PolicyInputs {
  /** user-initial-policy-set; default {anyPolicy}. */
  initialPolicies?: string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
}

/** What policy processing needs from one certificate, decoded (null: extension absent). */
export interface PolicyCert {
  name: string;
  selfIssued: boolean;
  policies: PolicyInformation[] | null;
  mappings: [issuerDomain: string, subjectDomain: string][] | null;
  constraints: { requireExplicitPolicy: number | null; inhibitPolicyMapping: number | null } | null;
  inhibitAnyPolicy: number | null;
}

export interface PolicyOutcome {
  ok: boolean;
  /** Index into the certificates given (0 = first processed, the one below the anchor) where it failed. */
  failedAt: number | null;
  reason: string | null;
  /** The authorities-constrained policies that hold for the path (ANY_POLICY when any). */
  validPolicies: string[];
}

interface Node {
  policy: string;
  expected: Set<string>;
  parent: Node | null;
  children: Node[];
  depth: number;
}

/** RFC 5280 4.2.1.4 certificatePolicies. */
export function decodePolicies(value: Uint8Array): PolicyInformation[] {
  const seq = readTlv(value, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== value.length) throw new DerError('Certificate Policies is not one SEQUENCE', 0);
  const seen = new Set<string>();
  return children(value, seq, 256).map((pi) => {
    const [idTlv, qualifiers, extra] = children(value, pi, 3);
    if (!idTlv || idTlv.tag !== TAG.OID || extra) throw new DerError('malformed PolicyInformation', pi.start);
    const oid = readOid(value, idTlv);
    // RFC 5280 4.2.1.4: "A certificate policy OID MUST NOT appear more than once".
    if (seen.has(oid)) throw new DerError(`policy ${oid} appears twice`, pi.start);
    seen.add(oid);
    const unknownQualifiers: string[] = [];
    if (qualifiers) {
      if (qualifiers.tag !== TAG.SEQUENCE) throw new DerError('malformed policy qualifiers', qualifiers.start);
      for (const q of children(value, qualifiers, 64)) {
        const [qid] = children(value, q, 2);
        if (!qid || qid.tag !== TAG.OID) throw new DerError('policy qualifier without an id', q.start);
        const id = readOid(value, qid);
        if (!KNOWN_QUALIFIERS.has(id)) unknownQualifiers.push(id);
      }
    }
    return { oid, unknownQualifiers };
  });
}

/** RFC 5280 4.2.1.5 policyMappings. */
export function decodePolicyMappings(value: Uint8Array): [string, string][] {
  const seq = readTlv(value, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== value.length) throw new DerError('Policy Mappings is not one SEQUENCE', 0);
  return children(value, seq, 1024).map((m) => {
    const [a, b, extra] = children(value, m, 3);
    if (!a || !b || a.tag !== TAG.OID || b.tag !== TAG.OID || extra) throw new DerError('malformed policy mapping', m.start);
    return [readOid(value, a), readOid(value, b)];
  });
}

/** RFC 5280 4.2.1.11 policyConstraints. */
export function decodePolicyConstraints(value: Uint8Array): { requireExplicitPolicy: number | null; inhibitPolicyMapping: number | null } {
  const seq = readTlv(value, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== value.length) throw new DerError('Policy Constraints is not one SEQUENCE', 0);
  const out = { requireExplicitPolicy: null as number | null, inhibitPolicyMapping: null as number | null };
  const fields = children(value, seq, 2);
  // RFC 5280 4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (!fields.length) throw new DerError('Policy Constraints is empty', 0);
  for (const t of fields) {
    const n = readSmallInt(value, t);
    if (n === null) throw new DerError('Policy Constraints value is not a small non-negative integer', t.start);
    if (t.tag === 0x80) out.requireExplicitPolicy = n;
    else if (t.tag === 0x81) out.inhibitPolicyMapping = n;
    else throw new DerError('unexpected field in Policy Constraints', t.start);
  }
  return out;
}

/** RFC 5280 4.2.1.14 inhibitAnyPolicy. */
export function decodeInhibitAnyPolicy(value: Uint8Array): number {
  const t = readTlv(value, 0);
  const n = t.tag === TAG.INTEGER && t.end === value.length ? readSmallInt(value, t) : null;
  if (n === null) throw new DerError('Inhibit anyPolicy is not a small non-negative integer', 0);
  return n;
}

/** The valid_policy_tree of RFC 5280 6.1.2 (a): null once it is empty. */
class PolicyTree {
  root: Node | null = { policy: ANY_POLICY, expected: new Set([ANY_POLICY]), parent: null, children: [], depth: 0 };

  level(d: number): Node[] {
    if (!this.root) return [];
    let nodes = [this.root];
    for (let k = 0; k < d; k++) nodes = nodes.flatMap((x) => x.children);
    return nodes;
  }

  static add(parent: Node, policy: string, expected: Iterable<string>, depth: number): void {
    parent.children.push({ policy, expected: new Set(expected), parent, children: [], depth });
  }

  static remove(node: Node): void {
    node.parent!.children = node.parent!.children.filter((c) => c !== node);
  }

  /** Delete nodes above `depth` left without children, bottom up; an empty level `depth` empties the tree. */
  prune(depth: number): void {
    for (let d = depth - 1; d >= 0 && this.root; d--) {
      for (const node of this.level(d)) {
        if (node.children.length === 0) {
          if (node.parent) PolicyTree.remove(node);
          else this.root = null;
        }
      }
    }
    if (this.root && this.level(depth).length === 0) this.root = null;
  }
}

/** The counters of RFC 5280 6.1.2 (d)-(f). */
interface PolicyCounters {
  explicitPolicy: number;
  inhibitAny: number;
  policyMapping: number;
}

/**
 * Run RFC 5280 6.1's policy processing over `certs`, ordered from the certificate the trust anchor
 * issued (certificate 1) down to the target (certificate n).
 */
export function processPolicies(certs: PolicyCert[], inputs: PolicyInputs = {}): PolicyOutcome {
  const n = certs.length;
  const initial = inputs.initialPolicies?.length ? inputs.initialPolicies : [ANY_POLICY];
  // 6.1.2 (a), (d)-(f).
  const tree = new PolicyTree();
  const counters: PolicyCounters = {
    explicitPolicy: inputs.initialExplicitPolicy ? 0 : n + 1,
    inhibitAny: inputs.initialAnyPolicyInhibit ? 0 : n + 1,
    policyMapping: inputs.initialPolicyMappingInhibit ? 0 : n + 1,
  };
  const fail = (i: number, reason: string): PolicyOutcome => ({ ok: false, failedAt: i, reason, validPolicies: [] });

  for (let idx = 0; idx < n; idx++) {
    const i = idx + 1;
    const c = certs[idx]!;
    // 6.1.3 (d), (e).
    if (c.policies && tree.root) addCertificatePolicies(tree, c, i, n, counters.inhibitAny);
    if (!c.policies) tree.root = null;
    // 6.1.3 (f).
    if (counters.explicitPolicy <= 0 && !tree.root) {
      return fail(idx, c.policies ? `none of its policies (${c.policies.map((p) => p.oid).join(', ') || 'none'}) continues an acceptable policy from the CAs above, and an explicit policy is required` : 'it has no Certificate Policies, and the CAs above require an explicit policy (RFC 5280 6.1.3 f)');
    }
    if (i === n) break;
    // 6.1.4 (a), (b): policy mappings.
    if (c.mappings) {
      if (c.mappings.some(([a, b]) => a === ANY_POLICY || b === ANY_POLICY)) return fail(idx, 'its Policy Mappings map anyPolicy, which RFC 5280 6.1.4 (a) forbids');
      applyMappings(tree, c.mappings, i, counters.policyMapping > 0);
    }
    updateCounters(counters, c);
  }

  // 6.1.5 (a), (b).
  if (counters.explicitPolicy > 0) counters.explicitPolicy--;
  if (certs[n - 1]?.constraints?.requireExplicitPolicy === 0) counters.explicitPolicy = 0;
  // 6.1.5 (g): intersect with the user-initial-policy-set.
  if (tree.root && !initial.includes(ANY_POLICY)) intersectWithInitial(tree, initial, n);

  const validPolicies = tree.root ? [...new Set(tree.level(n).map((x) => x.policy))] : [];
  if (counters.explicitPolicy > 0 || tree.root) return { ok: true, failedAt: null, reason: null, validPolicies };
  const asked = initial.includes(ANY_POLICY) ? 'any policy' : initial.join(', ');
  return fail(n - 1, `no certificate policy acceptable for ${asked} holds for the whole path, and an explicit policy is required (RFC 5280 6.1.5 g)`);
}

/** 6.1.3 (d): certificate i's policies grow the tree by one level, then the tree is pruned. */
function addCertificatePolicies(tree: PolicyTree, c: PolicyCert, i: number, n: number, inhibitAny: number): void {
  const policies = c.policies!;
  const parents = tree.level(i - 1);
  for (const p of policies) {
    if (p.oid === ANY_POLICY) continue;
    const expecting = parents.filter((node) => node.expected.has(p.oid));
    // (d)(1)(i), else (d)(1)(ii): under every node expecting it, else under every anyPolicy node.
    for (const node of expecting.length ? expecting : parents.filter((x) => x.policy === ANY_POLICY)) PolicyTree.add(node, p.oid, [p.oid], i);
  }
  // 6.1.3 (d)(2): anyPolicy in the certificate, when not inhibited (self-issued intermediates always).
  if (policies.some((p) => p.oid === ANY_POLICY) && (inhibitAny > 0 || (i < n && c.selfIssued))) {
    for (const node of parents) {
      const present = new Set(node.children.map((ch) => ch.policy));
      for (const e of node.expected) if (!present.has(e)) PolicyTree.add(node, e, [e], i);
    }
  }
  // 6.1.3 (d)(3).
  tree.prune(i);
}

/** 6.1.4 (b): each issuerDomainPolicy maps to its subjectDomainPolicies, or is deleted when mapping is inhibited. */
function applyMappings(tree: PolicyTree, mappings: [string, string][], i: number, mappingAllowed: boolean): void {
  const byIssuer = new Map<string, Set<string>>();
  for (const [a, b] of mappings) byIssuer.set(a, (byIssuer.get(a) ?? new Set<string>()).add(b));
  for (const [idp, sdps] of byIssuer) {
    const nodes = tree.level(i);
    const hits = nodes.filter((x) => x.policy === idp);
    if (!mappingAllowed) {
      for (const h of hits) PolicyTree.remove(h);
      tree.prune(i);
    } else if (hits.length) {
      for (const h of hits) h.expected = new Set(sdps);
    } else {
      const anyNode = nodes.find((x) => x.policy === ANY_POLICY);
      if (anyNode?.parent) PolicyTree.add(anyNode.parent, idp, sdps, i);
    }
  }
}

/** 6.1.4 (h)-(j): the counters count down below each non-self-issued CA and take the CA's own limits. */
function updateCounters(counters: PolicyCounters, c: PolicyCert): void {
  if (!c.selfIssued) {
    if (counters.explicitPolicy > 0) counters.explicitPolicy--;
    if (counters.policyMapping > 0) counters.policyMapping--;
    if (counters.inhibitAny > 0) counters.inhibitAny--;
  }
  if (c.constraints) {
    const { requireExplicitPolicy: r, inhibitPolicyMapping: m } = c.constraints;
    if (r !== null && r < counters.explicitPolicy) counters.explicitPolicy = r;
    if (m !== null && m < counters.policyMapping) counters.policyMapping = m;
  }
  if (c.inhibitAnyPolicy !== null && c.inhibitAnyPolicy < counters.inhibitAny) counters.inhibitAny = c.inhibitAnyPolicy;
}

/** 6.1.5 (g): keep only the policies the user asked for; an anyPolicy leaf stands for each of them. */
function intersectWithInitial(tree: PolicyTree, initial: string[], n: number): void {
  const all: Node[] = [];
  const walk = (x: Node) => {
    all.push(x);
    x.children.forEach(walk);
  };
  walk(tree.root!);
  const validNodeSet = all.filter((x) => x.parent?.policy === ANY_POLICY);
  for (const x of validNodeSet) if (x.policy !== ANY_POLICY && !initial.includes(x.policy)) PolicyTree.remove(x);
  const leafAny = tree.level(n).find((x) => x.policy === ANY_POLICY);
  if (leafAny) {
    const have = new Set(validNodeSet.map((x) => x.policy));
    for (const p of initial) if (!have.has(p)) PolicyTree.add(leafAny.parent!, p, [p], n);
    PolicyTree.remove(leafAny);
  }
  tree.prune(n);
}
