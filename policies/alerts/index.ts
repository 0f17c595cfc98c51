import type { Policy } from "../lib/types.js";
import { alertFields } from "./alert-fields/alert-fields.js";
import { requiredAlerts } from "./required-alerts/required-alerts.js";
import { rulesCheck } from "./rules-check/rules-check.js";
import { rulesUnitTests } from "./rules-unit-tests/rules-unit-tests.js";
import { serviceMonitorCoverage } from "./service-monitor-coverage/service-monitor-coverage.js";

/** The alerts policies, one folder each. */
export const ALERTS_POLICIES: readonly Policy[] = [serviceMonitorCoverage, requiredAlerts, alertFields, rulesCheck, rulesUnitTests];
