import type { Policy } from "../lib/types.js";
import { declaredFlowsPossible } from "./declared-flows-possible/declared-flows-possible.js";
import { defaultDeny } from "./default-deny/default-deny.js";
import { dnsEgress } from "./dns-egress/dns-egress.js";
import { placeholderAddresses } from "./placeholder-addresses/placeholder-addresses.js";
import { undeclaredFlows } from "./undeclared-flows/undeclared-flows.js";
import { wellFormed } from "./well-formed/well-formed.js";

/** The network policies, one folder each. */
export const NETWORK_POLICIES: readonly Policy[] = [wellFormed, defaultDeny, dnsEgress, undeclaredFlows, declaredFlowsPossible, placeholderAddresses];
