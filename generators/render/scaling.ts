import { VerticalPodAutoscaler } from "@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IMetricSpec } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { ServiceWorkloadSpec } from "../spec/types.js";
import { type AppContext, meta, selectorLabels } from "./context.js";

function targetRef(workload: ServiceWorkloadSpec): { apiVersion: string; kind: string; name: string } {
  return { apiVersion: "apps/v1", kind: workload.kind, name: workload.name };
}

export function horizontalPodAutoscaler(ctx: AppContext, workload: ServiceWorkloadSpec): HorizontalPodAutoscaler | undefined {
  const scaling = workload.autoscaling;
  if (!scaling) return undefined;
  const metrics: IMetricSpec[] = [];
  if (scaling.cpuUtilization !== undefined) {
    metrics.push({
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: scaling.cpuUtilization } },
    });
  }
  if (scaling.memoryUtilization !== undefined) {
    metrics.push({
      type: "Resource",
      resource: { name: "memory", target: { type: "Utilization", averageUtilization: scaling.memoryUtilization } },
    });
  }
  if (scaling.podsMetric) {
    metrics.push({
      type: "Pods",
      pods: {
        metric: { name: scaling.podsMetric.name },
        target: { type: "AverageValue", averageValue: scaling.podsMetric.averageValue },
      },
    });
  }
  return new HorizontalPodAutoscaler({
    metadata: meta(ctx, `${workload.name}-hpa`, workload),
    spec: {
      scaleTargetRef: targetRef(workload),
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics,
      // Scale up fast, scale down slowly: avoids thrashing on bursty telemetry.
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [
            { type: "Percent", value: 100, periodSeconds: 60 },
            { type: "Pods", value: 4, periodSeconds: 60 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds ?? 300,
          selectPolicy: "Min",
          policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
      },
    },
  });
}

export function verticalPodAutoscaler(ctx: AppContext, workload: ServiceWorkloadSpec): VerticalPodAutoscaler | undefined {
  const vpa = workload.verticalScaling;
  if (!vpa) return undefined;
  return new VerticalPodAutoscaler({
    metadata: meta(ctx, `${workload.name}-vpa`, workload),
    spec: {
      targetRef: targetRef(workload),
      updatePolicy: { updateMode: vpa.updateMode },
      resourcePolicy: {
        containerPolicies: [
          {
            containerName: "*",
            controlledResources: ["cpu", "memory"],
            ...(vpa.minAllowed ? { minAllowed: { ...vpa.minAllowed } } : {}),
            ...(vpa.maxAllowed ? { maxAllowed: { ...vpa.maxAllowed } } : {}),
          },
        ],
      },
    },
  });
}

/** Voluntary disruptions (drains, upgrades) take at most one pod of a multi-replica component. */
export function podDisruptionBudget(ctx: AppContext, workload: ServiceWorkloadSpec): PodDisruptionBudget | undefined {
  const least = workload.autoscaling?.minReplicas ?? workload.replicas;
  if (Math.max(least, workload.replicas) <= 1) return undefined;
  return new PodDisruptionBudget({
    metadata: meta(ctx, workload.name, workload),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(ctx, workload.name) },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  });
}
