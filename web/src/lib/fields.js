// The registry's field table (`maillage places fields --json`, written to fields.json and kept in step with the
// binary by the test web_fields_in_step): every label of a place's field comes from there, in one place.
import FIELDS from './fields.json';

const LABELS = Object.fromEntries(FIELDS.map((f) => [f.name, f.label]));

// The French label of a field (its name when it is not a field of a place).
export const fieldLabel = (name) => LABELS[name] || name;
