import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IService } from "kubernetes-models/v1/Service";
import { describeLabels, namespaceOf } from "../../availability/workloads.js";
import { componentOf } from "../../lib/objects.js";
import type { ClusterTree, Finding, Policy } from "../../lib/types.js";
import { fixAt, listOr } from "../fixes.js";
import { installedOutsideTree, knownPods, objectsIn, selectedPods } from "../resolve.js";

/**
 * A StatefulSet's pods get their stable DNS names (`<pod>.<serviceName>`)
 * from its governing Service: a headless Service of its namespace that
 * selects them. Replicas that find their primary by that name (TimescaleDB's
 * clone, Kafka's and MongoDB's peers) fail without it.
 */
export const statefulSetService: Policy = {
  id: "stateful-set-service",
  area: "references",
  severity: "Bug",
  description: "every StatefulSet's serviceName names a headless Service of its namespace that selects its pods",
  check(cluster: ClusterTree): Finding[] {
    return cluster.documents.flatMap((document): Finding[] => {
      const { object } = document;
      if (!StatefulSet.is(object) || object.spec?.serviceName === undefined || object.spec.serviceName === "") return [];
      const name = object.spec.serviceName;
      const namespace = namespaceOf(document.object);
      if (installedOutsideTree(cluster, namespace).length > 0) return [];
      const services = objectsIn(cluster, "v1", "Service", namespace);
      const found = services.find((s) => s.object.metadata.name === name);
      const place = `component ${componentOf(document.object)} (StatefulSets get a headless Service \`<name>-headless\`)`;
      const problem = ((): string | undefined => {
        if (found === undefined) return `is ${JSON.stringify(name)}, but namespace ${namespace} has no such Service (it has ${listOr(services.map((s) => s.object.metadata.name), "none")})`;
        const spec = (found.object as unknown as IService).spec ?? {};
        if (spec.clusterIP !== "None") return `is ${JSON.stringify(name)}, but Service/${name} is not headless (its clusterIP is ${spec.clusterIP === undefined ? "unset, so one is allocated" : JSON.stringify(spec.clusterIP)}, not "None")`;
        const ownPods = knownPods(cluster).filter((p) => p.template?.document === document);
        const selected = selectedPods(cluster, namespace, { matchLabels: spec.selector ?? {} }).filter((p) => p.template?.document === document);
        if (Object.keys(spec.selector ?? {}).length === 0 || selected.length < ownPods.length) {
          return `is ${JSON.stringify(name)}, but Service/${name} selects ${describeLabels(spec.selector ?? {})}, which the StatefulSet's pods do not all carry`;
        }
        return undefined;
      })();
      if (problem === undefined) return [];
      return [
        {
          document,
          summary: "StatefulSet's governing Service does not give its pods DNS names",
          path: "spec.serviceName",
          problem: `${problem}: its pods get no \`<pod>.${name}\` DNS names, so peers that find each other by them fail`,
          fix: fixAt(document, "name the headless Service that selects the StatefulSet's pods", place),
        },
      ];
    });
  },
};
