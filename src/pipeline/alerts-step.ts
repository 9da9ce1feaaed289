import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredFinding } from '../model/records.js';
import type { Store } from '../store/store.js';
import { writeNewFindings } from './outputs.js';

/**
 * Delivers the store's undelivered alerts in this run's new.json and new.md: claim them, write
 * the files, confirm. A run killed before confirming left claims behind: its new.json, written
 * atomically, says whether it delivered them (confirm) or not (release, and this run delivers
 * them). Every alert reaches exactly one new.json, whenever a run is killed.
 */
export function deliverAlerts(store: Store, request: { home: string; runDir: string; runId: string; at: string }): StoredFinding[] {
  for (const dead of store.unconfirmedClaims(request.runId)) {
    if (existsSync(join(request.home, 'runs', dead, 'new.json'))) store.confirmAlerts(dead, request.at);
    else store.releaseClaims(dead);
  }
  const claimed = store.claimAlerts(request.runId);
  // As judged now, like every output: an alert whose finding was fixed or suppressed since it was
  // raised (by a run killed before delivering it) has nothing to say.
  const alerts = claimed
    .map((alert): StoredFinding | undefined => {
      const judged = store.judgedFinding(alert.finding.id, request.at);
      // Why it alerted is the raising run's word; later runs see it as unchanged.
      return judged && { ...judged, lastTransition: alert.finding.lastTransition, newReason: alert.finding.newReason };
    })
    .filter((finding): finding is StoredFinding => finding !== undefined && finding.state === 'open' && !finding.suppression);
  writeNewFindings(request.runDir, alerts, { runId: request.runId, generatedAt: request.at });
  store.confirmAlerts(request.runId, request.at);
  return alerts;
}
