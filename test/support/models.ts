import { AppProject, Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { VerticalPodAutoscaler } from "@kubernetes-models/autoscaler/autoscaling.k8s.io/v1";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import { ClusterSecretStore, ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import { PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import {
  ConfigMap,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";

interface ModelClass {
  new (data: never): { validate(): void };
}

/** The kubernetes-models class of every apiVersion/kind the fleet may contain. */
export const MODELS: Readonly<Record<string, ModelClass>> = Object.fromEntries(
  [
    Application,
    AppProject,
    ClusterIssuer,
    ClusterSecretStore,
    ConfigMap,
    CronJob,
    Deployment,
    ExternalSecret,
    HorizontalPodAutoscaler,
    Ingress,
    Job,
    LimitRange,
    Namespace,
    NetworkPolicy,
    PersistentVolumeClaim,
    PodDisruptionBudget,
    PrometheusRule,
    ResourceQuota,
    Role,
    RoleBinding,
    Secret,
    Service,
    ServiceAccount,
    ServiceMonitor,
    StatefulSet,
    VerticalPodAutoscaler,
  ].map((model) => [`${model.apiVersion}/${model.kind}`, model as unknown as ModelClass]),
);

/** Validates a parsed document against its model; throws naming the kind when none is known. */
export function validateDocument(doc: { apiVersion?: string; kind?: string }): void {
  const model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!model) throw new Error(`no model for ${doc.apiVersion}/${doc.kind}`);
  new model(doc as never).validate();
}
