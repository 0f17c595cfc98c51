import type { AppDefinition } from "../generators/spec/types.js";
import { iotAnomalyDetection } from "./iot-anomaly-detection/index.js";
import { iotEdgeAnomaly } from "./iot-edge-anomaly/index.js";
import { iotTelemetry } from "./iot-telemetry/index.js";
import { kades } from "./kades/index.js";
import { pynomaly } from "./pynomaly/index.js";

/** Every app of the fleet; cluster profiles pick from these by name. */
export const APPS: readonly AppDefinition[] = [iotAnomalyDetection, iotEdgeAnomaly, iotTelemetry, kades, pynomaly];
