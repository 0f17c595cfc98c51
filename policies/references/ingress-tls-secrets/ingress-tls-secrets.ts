import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { namespaceOf, renderedFrom } from "../../availability/workloads.js";
import { resourceName } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt, listOr } from "../fixes.js";
import { CLUSTER_ISSUER_ANNOTATION, ISSUER_ANNOTATION, creatorsOf, hasShimAnnotation, ingressIssuer, issuerOf, namesIn, shimTls } from "../resolve.js";

/**
 * An Ingress serves the certificate in each TLS entry's Secret; without it the
 * controller serves its self-signed fallback. The Secret is created by
 * cert-manager (through this Ingress's issuer annotation, or a Certificate), an
 * ExternalSecret, or is a Secret of the tree; and the issuer the annotation
 * names must exist, or cert-manager never signs it.
 */
export const ingressTlsSecrets: Policy = {
  id: "ingress-tls-secrets",
  area: "references",
  severity: "Bug",
  description: `every TLS secretName of an Ingress is created by something (cert-manager through the Ingress's issuer annotation or a Certificate, an ExternalSecret, a Secret of the tree), and the issuer that annotation names exists`,
  check(cluster: ClusterTree): Finding[] {
    const findings: Finding[] = [];
    for (const document of cluster.documents) {
      const { object } = document;
      if (!Ingress.is(object)) continue;
      const namespace = namespaceOf(document.object);
      const issuer = ingressIssuer(document.object);
      const shim = shimTls(document.object);
      if (issuer !== undefined && shim.length > 0 && issuerOf(cluster, namespace, issuer.kind, issuer.name) === undefined) {
        const have = cluster.documents.filter((d) => d.object.apiVersion.startsWith("cert-manager.io/") && d.object.kind === issuer.kind && (issuer.kind === "ClusterIssuer" || namespaceOf(d.object) === namespace));
        findings.push({
          document,
          summary: "Ingress asks cert-manager for an issuer that does not exist",
          path: `metadata.annotations["${issuer.annotation}"]`,
          problem: `is ${JSON.stringify(issuer.name)}, but the tree has no ${issuer.kind} of that name${issuer.kind === "Issuer" ? ` in namespace ${namespace}` : ""} (it has ${listOr(have.map((d) => d.object.metadata.name), "none")}): cert-manager never signs the certificate, and the controller serves its self-signed fallback`,
          fix:
            renderedFrom(document).startsWith("apps/")
              ? `name a ${issuer.kind} the tree renders; the generators write the cluster profile's \`clusterIssuer\` (generators/fleet/clusters.ts) into this annotation and render that ClusterIssuer: run \`npm run generate\` rather than editing the file`
              : `name a ${issuer.kind} the tree renders, where ${renderedFrom(document)} renders ${resourceName(document.object)}`,
        });
      }
      (object.spec?.tls ?? []).forEach((tls, i) => {
        if (tls.secretName === undefined) return;
        if (creatorsOf(cluster, "Secret", namespace, tls.secretName).length > 0) return;
        const why = !hasShimAnnotation(document.object)
          ? `the Ingress has no ${CLUSTER_ISSUER_ANNOTATION} or ${ISSUER_ANNOTATION} annotation, so cert-manager does not sign it; `
          : (tls.hosts ?? []).length === 0
            ? "cert-manager skips a TLS entry without hosts; "
            : "";
        findings.push({
          document,
          summary: "Ingress TLS secret is created by nothing",
          path: `spec.tls[${i}].secretName`,
          problem:
            `is ${JSON.stringify(tls.secretName)}, but nothing creates that Secret in namespace ${namespace} ` +
            `(${why}Secrets created there: ${listOr(namesIn(cluster, "Secret", namespace), "none")}): the controller serves its self-signed fallback certificate`,
          fix: fixAt(document, `let cert-manager sign it (the \`${CLUSTER_ISSUER_ANNOTATION}\` annotation and \`hosts\` on the entry), or name a Secret an ExternalSecret or Certificate creates`, "`ingresses`"),
        });
      });
    }
    return findings;
  },
};
