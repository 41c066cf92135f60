"""Documents and their renderers: the patient's plan and the clinician's review as text,
markdown, HTML and JSON."""
