"""The clinician's tools over a rule set: check, clinical cases, verify (the safety
invariants), diff, the review document, readability, sampling and the JSON Schemas."""
