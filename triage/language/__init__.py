"""The rule language and its loading: safe YAML with line numbers, answer values, the
condition language, the data model (rule set and result), and the loader that checks a
rule set whole (rules, questionnaire, advice, findings, invariants, hazards)."""

MANIFEST = "ruleset.yaml"  # the file that makes a folder a rule set
