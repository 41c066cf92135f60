"""The stylesheets of the HTML pages, in one place.

There are two, one for each document, because each is pinned byte for byte by the golden
files (``tests/golden/``): merging them changes how both pages look, which is for the
review-document redesign to decide, not for a refactoring.
"""

PLAN_CSS = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 12pt; line-height: 1.45;
       color: #111; background: #fff; max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin: 0 0 .3em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #888; margin-top: 1.4em; }
h3 { font-size: 1.1em; margin: 1em 0 .2em; }
.urgency { border: 3px solid #111; padding: .6em 1em; margin-bottom: 1em; }
.urgency-emergency { border-color: #b00000; border-width: 6px; }
.urgency-urgent { border-color: #b35900; }
.now { font-size: 1.15em; margin: 0; }
.notice { border-left: 4px solid #555; padding: .3em .8em; background: #f3f3f3; }
.label { font-weight: bold; margin: .4em 0 .1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; }
code { font-family: "Courier New", monospace; font-size: .9em; }
footer { margin-top: 2em; font-size: .9em; color: #333; }
@page { size: auto; margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .notice { background: none; }
  article, tr, .urgency, .notice { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"""

REVIEW_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #111; }
h1, h2, h3, h4 { font-family: Helvetica, Arial, sans-serif; }
h2 { border-bottom: 2px solid #333; margin-top: 2.5rem; }
h4 { margin-bottom: 0.3rem; }
ul.details { list-style: none; padding-left: 0; font-size: 0.92rem; }
.flag { border-left: 5px solid #b00; background: #fdecea; padding: 0.4rem 0.7rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
#sign-off + p + table td { height: 2.5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { page-break-before: always; }
  h3, h4, tr { page-break-inside: avoid; page-break-after: avoid; }
  .flag { border-left-width: 3px; }
}
"""
