"""The stylesheets of the HTML pages, in one place.

There are two, one for each document, because each is pinned byte for byte by the golden
files (``tests/golden/``): merging them changes how both pages look, which is for the
review-document redesign to decide, not for a refactoring.
"""

PLAN_CSS = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 12pt; line-height: 1.45;
       color: #111; background: #fff; max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin: 0 0 .3em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #888; margin: 1em 0 .4em; }
h3 { font-size: 1.05em; margin: .8em 0 .2em; }
p, ul, ol { margin: .3em 0; }
.urgency { border: 3px solid #111; padding: .6em 1em; margin-bottom: 1em; }
.urgency-emergency { border-color: #b00000; border-width: 6px; }
.urgency-urgent { border-color: #b35900; }
.now { font-size: 1.15em; margin: 0; }
.notice { border-left: 4px solid #555; padding: .3em .8em; background: #f3f3f3; }
.label { font-weight: bold; margin: .4em 0 .1em; }
.concerns { border-left: 4px solid #b00000; padding: .2em .8em; list-style: none; }
.answers { display: grid; grid-template-columns: max-content 1fr max-content 1fr;
           gap: .1em 1em; margin: .4em 0; }
.answers dt { font-weight: bold; }
.answers dd { margin: 0; }
.dose { font-style: italic; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; }
code { font-family: "Courier New", monospace; font-size: .9em; }
footer { margin-top: 1.5em; font-size: .9em; color: #333; }
@page { size: auto; margin: 14mm 13mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
                   font: 9pt Georgia, serif; color: #333; } }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.25; }
  ul, ol { padding-left: 1.4em; }
  .notice { background: none; }
  li, tr, dt, dd, .urgency, .notice, .concerns { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, .label { break-after: avoid; page-break-after: avoid; }
  section.activity, section.stretch, section.heat_cold, section.otc, section.info,
  .appendix
    { columns: 2; column-gap: 2em; }
  section h2 { column-span: all; }
  article h3 { margin-top: 0; }
  article { margin-bottom: .6em; }
}
@media (max-width: 40em) { .answers { grid-template-columns: max-content 1fr; } }
"""


def css_string(text: str) -> str:
    """Text as a CSS string: quotes, backslashes, line breaks and ``<`` (which could close
    the style element) written as escapes."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n\r' else char for char in text)
    return f'"{escaped}"'


def plan_stylesheet(ruleset: str, date: str | None) -> str:
    """The plan's stylesheet, with its running header: the date (if given) and the rule
    set, on every printed page."""
    header = " \u00b7 ".join(filter(None, ("Back pain plan", date, f"rule set {ruleset}")))
    return PLAN_CSS + ("@page { @top-left { content: " + css_string(header)
                       + "; font: 9pt Georgia, serif; color: #333; } }\n")


REVIEW_CSS = """
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; max-width: 50rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.4; color: #111; }
h1 { font-size: 1.6em; margin: 0 0 .6em; }
h2 { border-bottom: 2px solid #333; margin: 1.6em 0 .5em; font-size: 1.3em; }
h3 { margin: 1.1em 0 .3em; font-size: 1.1em; }
h4 { margin: .9em 0 .15em; font-size: 1em; }
p { margin: .2em 0 .3em; }
ol, ul { margin: .2em 0 .4em; }
ul.details { list-style: none; padding-left: 0; font-size: .9em; color: #333; }
ul.details li { display: inline; }
ul.details li + li::before { content: " \\00b7  "; }
#cover + ul.details { font-size: 1em; color: #111; }
#cover + ul.details li { display: list-item; }
#cover + ul.details li + li::before { content: none; }
.flag { border-left: 5px solid #b00; background: #fdecea; padding: .3rem .6rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: .25rem .45rem; text-align: left; vertical-align: top; }
#sign-off + table td { height: 2.2rem; }
@page { size: auto; margin: 10mm 10mm 12mm;
  @bottom-center { content: "FOOTER page " counter(page) " of " counter(pages);
                   font: 8pt "Liberation Sans", Arial, sans-serif; color: #444; } }
@media print {
  body { margin: 0; max-width: none; font-size: 8pt; line-height: 1.2; }
  body { columns: 2; column-gap: 5mm; }
  body > * { column-span: all; }
  #contents ~ * { column-span: none; }
  #contents ~ h2 { column-span: all; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  .flag { border-left-width: 3px; padding: .1rem .4rem; }
  h3 { margin: .8em 0 .2em; }
  h4 { margin: .55em 0 .05em; }
  p { margin: .1em 0 .15em; }
  ol, ul { margin: .1em 0 .2em; padding-left: 1.6em; }
  ul.details { padding-left: 0; }
}
"""
