import { Ajv } from 'ajv';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { requireTool } from '../helpers/tools.js';

const k8sDir = join(repoRoot, 'deploy/kubernetes');
const workflowsDir = join(repoRoot, 'deploy/github-actions');
const ACTIONLINT = requireTool('actionlint');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: {
    template?: { spec: { containers: Array<{ volumeMounts?: Array<{ name: string }> }>; volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> } };
  };
}

function manifests(): Array<{ file: string; doc: Manifest }> {
  return readdirSync(k8sDir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((document) => {
        expect(document.errors, file).toEqual([]);
        return { file, doc: document.toJS() as Manifest };
      }),
    );
}

describe('deploy/kubernetes', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(repoRoot, 'test/deploy/kubernetes-subset.schema.json'), 'utf8')) as object);

  it.each(manifests().map(({ file, doc }) => [`${file} ${doc.kind}/${doc.metadata?.name}`, doc] as const))('%s fits the Kubernetes API', (_name, doc) => {
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('mounts only volumes a pod declares, and claims only the PVC the folder defines', () => {
    const all = manifests().map(({ doc }) => doc);
    const claims = all.filter((doc) => doc.kind === 'PersistentVolumeClaim').map((doc) => doc.metadata.name);
    for (const job of all.filter((doc) => doc.kind === 'Job')) {
      const pod = job.spec.template!.spec;
      const volumes = (pod.volumes ?? []).map((volume) => volume.name);
      for (const mount of pod.containers.flatMap((container) => container.volumeMounts ?? [])) expect(volumes, job.metadata.name).toContain(mount.name);
      for (const volume of pod.volumes ?? []) if (volume.persistentVolumeClaim) expect(claims).toContain(volume.persistentVolumeClaim.claimName);
    }
  });

  it('the schema rejects what Kubernetes would', () => {
    const job = manifests().find(({ doc }) => doc.kind === 'Job')!.doc;
    const broken = structuredClone(job) as unknown as { spec: { template: { spec: { restartPolicy: string } }; completionss?: number } };
    broken.spec.template.spec.restartPolicy = 'Always';
    expect(validate(broken)).toBe(false);
    const typo = structuredClone(job) as unknown as { spec: Record<string, unknown> };
    typo.spec.completionss = 3;
    expect(validate(typo)).toBe(false);
  });
});

(ACTIONLINT ? describe : describe.skip)('deploy/github-actions', () => {
  it.each(readdirSync(workflowsDir).filter((file) => /\.ya?ml$/.test(file)))('%s passes actionlint', (file) => {
    const output = execFileSync(ACTIONLINT!, ['-no-color', join(workflowsDir, file)], { encoding: 'utf8', stdio: 'pipe' });
    expect(output).toBe('');
  });
});
