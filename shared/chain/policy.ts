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

/**
 * Run RFC 5280 6.1's policy processing over `certs`, ordered from the certificate the trust anchor
 * issued (certificate 1) down to the target (certificate n).
 */
export function processPolicies(certs: PolicyCert[], inputs: PolicyInputs = {}): PolicyOutcome {
  const n = certs.length;
  const initial = inputs.initialPolicies?.length ? inputs.initialPolicies : [ANY_POLICY];
  // 6.1.2 (a), (d)-(f).
  let root: Node | null = { policy: ANY_POLICY, expected: new Set([ANY_POLICY]), parent: null, children: [], depth: 0 };
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAny = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
  const fail = (i: number, reason: string): PolicyOutcome => ({ ok: false, failedAt: i, reason, validPolicies: [] });

  const level = (d: number): Node[] => {
    if (!root) return [];
    let nodes = [root];
    for (let k = 0; k < d; k++) nodes = nodes.flatMap((x) => x.children);
    return nodes;
  };
  const prune = (depth: number): void => {
    // Delete nodes of depth < `depth` that have no children, bottom up.
    for (let d = depth - 1; d >= 0 && root; d--) {
      for (const node of level(d)) {
        if (node.children.length === 0) {
          if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
          else root = null;
        }
      }
    }
  };

  for (let idx = 0; idx < n; idx++) {
    const i = idx + 1;
    const c = certs[idx]!;
    // 6.1.3 (d).
    if (c.policies && root) {
      const parents = level(i - 1);
      const anyHere = c.policies.find((p) => p.oid === ANY_POLICY);
      for (const p of c.policies) {
        if (p.oid === ANY_POLICY) continue;
        let matched = false;
        for (const node of parents) {
          if (node.expected.has(p.oid)) {
            node.children.push({ policy: p.oid, expected: new Set([p.oid]), parent: node, children: [], depth: i });
            matched = true;
          }
        }
        if (!matched) {
          for (const node of parents) {
            if (node.policy === ANY_POLICY) node.children.push({ policy: p.oid, expected: new Set([p.oid]), parent: node, children: [], depth: i });
          }
        }
      }
      // 6.1.3 (d)(2): anyPolicy in the certificate, when not inhibited (self-issued intermediates always).
      if (anyHere && (inhibitAny > 0 || (i < n && c.selfIssued))) {
        for (const node of parents) {
          const present = new Set(node.children.map((ch) => ch.policy));
          for (const e of node.expected) {
            if (!present.has(e)) node.children.push({ policy: e, expected: new Set([e]), parent: node, children: [], depth: i });
          }
        }
      }
      // 6.1.3 (d)(3).
      prune(i);
      if (root && level(i).length === 0) root = null;
    }
    // 6.1.3 (e).
    if (!c.policies) root = null;
    // 6.1.3 (f).
    if (explicitPolicy <= 0 && !root) {
      return fail(idx, c.policies ? `none of its policies (${c.policies.map((p) => p.oid).join(', ') || 'none'}) continues an acceptable policy from the CAs above, and an explicit policy is required` : 'it has no Certificate Policies, and the CAs above require an explicit policy (RFC 5280 6.1.3 f)');
    }
    if (i === n) break;

    // 6.1.4 (a), (b): policy mappings.
    if (c.mappings) {
      const bad = c.mappings.find(([a, b]) => a === ANY_POLICY || b === ANY_POLICY);
      if (bad) return fail(idx, 'its Policy Mappings map anyPolicy, which RFC 5280 6.1.4 (a) forbids');
      const byIssuer = new Map<string, Set<string>>();
      for (const [a, b] of c.mappings) {
        const set = byIssuer.get(a) ?? new Set<string>();
        set.add(b);
        byIssuer.set(a, set);
      }
      for (const [idp, sdps] of byIssuer) {
        const nodes = level(i);
        if (policyMapping > 0) {
          const hits = nodes.filter((x) => x.policy === idp);
          if (hits.length) for (const h of hits) h.expected = new Set(sdps);
          else {
            const anyNode = nodes.find((x) => x.policy === ANY_POLICY);
            if (anyNode?.parent) anyNode.parent.children.push({ policy: idp, expected: new Set(sdps), parent: anyNode.parent, children: [], depth: i });
          }
        } else {
          for (const h of nodes.filter((x) => x.policy === idp)) h.parent!.children = h.parent!.children.filter((ch) => ch !== h);
          prune(i);
          if (root && level(i).length === 0) root = null;
        }
      }
    }
    // 6.1.4 (h).
    if (!c.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAny > 0) inhibitAny--;
    }
    // 6.1.4 (i), (j).
    if (c.constraints) {
      const { requireExplicitPolicy: r, inhibitPolicyMapping: m } = c.constraints;
      if (r !== null && r < explicitPolicy) explicitPolicy = r;
      if (m !== null && m < policyMapping) policyMapping = m;
    }
    if (c.inhibitAnyPolicy !== null && c.inhibitAnyPolicy < inhibitAny) inhibitAny = c.inhibitAnyPolicy;
  }

  // 6.1.5 (a), (b).
  const last = certs[n - 1];
  if (explicitPolicy > 0) explicitPolicy--;
  if (last?.constraints?.requireExplicitPolicy === 0) explicitPolicy = 0;

  // 6.1.5 (g): intersect with the user-initial-policy-set.
  if (root && !initial.includes(ANY_POLICY)) {
    const all: Node[] = [];
    const walk = (x: Node) => {
      all.push(x);
      x.children.forEach(walk);
    };
    walk(root);
    const validNodeSet = all.filter((x) => x.parent?.policy === ANY_POLICY);
    for (const x of validNodeSet) {
      if (x.policy !== ANY_POLICY && !initial.includes(x.policy)) x.parent!.children = x.parent!.children.filter((ch) => ch !== x);
    }
    const leafAny = level(n).find((x) => x.policy === ANY_POLICY);
    if (leafAny) {
      const have = new Set(validNodeSet.map((x) => x.policy));
      for (const p of initial) {
        if (!have.has(p)) leafAny.parent!.children.push({ policy: p, expected: new Set([p]), parent: leafAny.parent, children: [], depth: n });
      }
      leafAny.parent!.children = leafAny.parent!.children.filter((ch) => ch !== leafAny);
    }
    prune(n);
    if (root && level(n).length === 0) root = null;
  }

  const validPolicies = root ? [...new Set(level(n).map((x) => x.policy))] : [];
  if (explicitPolicy > 0 || root) return { ok: true, failedAt: null, reason: null, validPolicies };
  const asked = initial.includes(ANY_POLICY) ? 'any policy' : initial.join(', ');
  return fail(n - 1, `no certificate policy acceptable for ${asked} holds for the whole path, and an explicit policy is required (RFC 5280 6.1.5 g)`);
}
