"""Answers coming in: reading answer files, checking raw answers against the
questionnaire, and reading the rows of a batch (JSONL or CSV)."""
