/**
 * The subset of SARIF 2.1.0 that Sieve reads, as a JSON Schema checked with ajv, plus the
 * TypeScript shapes it guarantees. Only what import.ts uses is constrained; everything else a
 * log carries is allowed through untouched (SARIF producers add many optional properties).
 */
import { Ajv, type ErrorObject } from 'ajv';

export interface SarifMessage {
  text?: string;
  markdown?: string;
  id?: string;
  arguments?: string[];
}

export interface SarifPropertyBag {
  tags?: unknown[];
  [key: string]: unknown;
}

export interface SarifToolComponentReference {
  name?: string;
  index?: number;
  guid?: string;
}

export interface SarifDescriptorReference {
  id?: string;
  index?: number;
  guid?: string;
  toolComponent?: SarifToolComponentReference;
}

export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: SarifMessage;
  fullDescription?: SarifMessage;
  helpUri?: string;
  messageStrings?: Record<string, SarifMessage>;
  defaultConfiguration?: { level?: SarifLevel; enabled?: boolean };
  relationships?: Array<{ target: SarifDescriptorReference; kinds?: string[] }>;
  properties?: SarifPropertyBag;
}

export interface SarifToolComponent {
  name: string;
  version?: string;
  semanticVersion?: string;
  rules?: SarifReportingDescriptor[];
  taxa?: SarifReportingDescriptor[];
}

export interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  index?: number;
}

export interface SarifRegion {
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface SarifLocation {
  physicalLocation?: { artifactLocation?: SarifArtifactLocation; region?: SarifRegion };
}

export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifSuppression {
  kind: 'inSource' | 'external';
  status?: 'accepted' | 'underReview' | 'rejected';
  justification?: string;
}

export interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: SarifDescriptorReference;
  kind?: 'notApplicable' | 'pass' | 'fail' | 'review' | 'open' | 'informational';
  level?: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
  partialFingerprints?: Record<string, string>;
  fingerprints?: Record<string, string>;
  suppressions?: SarifSuppression[];
  taxa?: SarifDescriptorReference[];
  properties?: SarifPropertyBag;
}

export interface SarifRun {
  tool: { driver: SarifToolComponent; extensions?: SarifToolComponent[] };
  originalUriBaseIds?: Record<string, SarifArtifactLocation>;
  artifacts?: Array<{ location?: SarifArtifactLocation }>;
  results?: SarifResult[];
  taxonomies?: SarifToolComponent[];
  automationDetails?: { id?: string };
}

export interface SarifLog {
  version: '2.1.0';
  runs: SarifRun[];
}

const message = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    markdown: { type: 'string' },
    id: { type: 'string' },
    arguments: { type: 'array', items: { type: 'string' } },
  },
};
const propertyBag = { type: 'object', properties: { tags: { type: 'array' } } };
const toolComponentReference = {
  type: 'object',
  properties: { name: { type: 'string' }, index: { type: 'integer', minimum: -1 }, guid: { type: 'string' } },
};
const descriptorReference = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    index: { type: 'integer', minimum: -1 },
    guid: { type: 'string' },
    toolComponent: toolComponentReference,
  },
};
const level = { enum: ['none', 'note', 'warning', 'error'] };
const descriptor = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    shortDescription: message,
    fullDescription: message,
    helpUri: { type: 'string' },
    messageStrings: { type: 'object', additionalProperties: message },
    defaultConfiguration: { type: 'object', properties: { level, enabled: { type: 'boolean' } } },
    relationships: {
      type: 'array',
      items: { type: 'object', required: ['target'], properties: { target: descriptorReference } },
    },
    properties: propertyBag,
  },
};
const toolComponent = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    semanticVersion: { type: 'string' },
    rules: { type: 'array', items: descriptor },
    taxa: { type: 'array', items: descriptor },
  },
};
const artifactLocation = {
  type: 'object',
  properties: { uri: { type: 'string' }, uriBaseId: { type: 'string' }, index: { type: 'integer', minimum: -1 } },
};
const positive = { type: 'integer', minimum: 1 };
const location = {
  type: 'object',
  properties: {
    physicalLocation: {
      type: 'object',
      properties: {
        artifactLocation,
        region: {
          type: 'object',
          properties: { startLine: positive, endLine: positive, startColumn: positive, endColumn: positive },
        },
      },
    },
  },
};
const result = {
  type: 'object',
  required: ['message'],
  properties: {
    ruleId: { type: 'string' },
    ruleIndex: { type: 'integer', minimum: -1 },
    rule: descriptorReference,
    kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
    level,
    message,
    locations: { type: 'array', items: location },
    partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
    fingerprints: { type: 'object', additionalProperties: { type: 'string' } },
    suppressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind'],
        properties: {
          kind: { enum: ['inSource', 'external'] },
          status: { enum: ['accepted', 'underReview', 'rejected'] },
          justification: { type: 'string' },
        },
      },
    },
    taxa: { type: 'array', items: descriptorReference },
    properties: propertyBag,
  },
};

/** JSON Schema (draft-07 keywords only) of the part of a SARIF 2.1.0 log that Sieve reads. */
export const sarifSubsetSchema = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: { driver: toolComponent, extensions: { type: 'array', items: toolComponent } },
          },
          originalUriBaseIds: { type: 'object', additionalProperties: artifactLocation },
          artifacts: { type: 'array', items: { type: 'object', properties: { location: artifactLocation } } },
          results: { type: 'array', items: result },
          taxonomies: { type: 'array', items: toolComponent },
          automationDetails: { type: 'object', properties: { id: { type: 'string' } } },
        },
      },
    },
  },
} as const;

let compiled: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Problems as `<JSON pointer>: <what is wrong>`, at most `limit` of them; [] when the log fits the subset. */
export function validateSarifSubset(log: unknown, limit = 10): string[] {
  compiled ??= new Ajv({ allErrors: false, strict: false }).compile(sarifSubsetSchema);
  if (compiled(log)) return [];
  return (compiled.errors ?? []).slice(0, limit).map((error) => {
    const allowed = error.keyword === 'enum' ? ` (${JSON.stringify(error.params.allowedValues)})` : '';
    return `${error.instancePath || '/'}: ${error.message ?? 'invalid'}${allowed}`;
  });
}
