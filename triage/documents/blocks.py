"""The document model: what a document says, as blocks, apart from how it is written.

The patient's plan (:mod:`triage.documents.plan`) and the clinician's review
(:mod:`triage.clinician.review`) are both a :class:`Document`: a title, a stylesheet for
HTML, and a list of blocks. One renderer per format (:mod:`~triage.documents.text`,
:mod:`~triage.documents.markdown`, :mod:`~triage.documents.html`) writes any document.

The general blocks (:class:`Heading`, :class:`Para`, :class:`Items`, :class:`Table`)
serve any document. The plan's own blocks (:class:`Banner` to :class:`Footer`) say what
they are rather than how they look, because a plan is written differently in each format
(a wrapped text printout, a markdown handout, a printable page) and each renderer decides
how. Blocks hold plain text: every renderer escapes it for its format.

Blocks are built, written out and dropped: nothing compares, hashes or prints them, so
they are made without ``__eq__``, ``__hash__`` and ``__repr__`` (``eq=False,
repr=False``: fewer methods to make, see :mod:`triage.records`).
"""

from __future__ import annotations

from triage.records import record


@record(eq=False, repr=False)
class Heading:
    """A heading of the given level (1 is the title), with an optional anchor."""

    level: int
    text: str
    anchor: str = ""


@record(eq=False, repr=False)
class Para:
    """A paragraph, with an optional bold label; ``flag`` marks a warning."""

    text: str
    label: str = ""  # shown in bold before the text
    flag: bool = False  # a warning the reader must not miss


@record(eq=False, repr=False)
class Items:
    """A bulleted (or numbered) list, with an optional bold label per item."""

    items: tuple[str, ...]
    ordered: bool = False
    labels: tuple[str, ...] = ()  # bold label per item ('' for none)


@record(eq=False, repr=False)
class Table:
    """A table: a header row and rows of cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# ------------------------------------------------------------------ the plan's blocks

@record(eq=False, repr=False)
class Banner:
    """What to do now: the urgency (its value and its label) and the one-line headline."""

    urgency: str
    label: str
    headline: str


@record(eq=False, repr=False)
class Notice:
    """A paragraph set apart: the disclaimer, or (``strong``) a note the person must see,
    such as danger signs not screened."""

    text: str
    strong: bool = False


@record(eq=False, repr=False)
class YourAnswers:
    """The person's answers, as a doctor reads them: ``concerns`` (danger signs answered
    yes or not sure, or left blank) first, then ``answers`` in a doctor's order, each a
    (label, value) pair; ``said_no``: the other yes/no questions answered no, and
    ``no_signs``: the danger signs answered no, by name; ``not_answered``: the blanks
    named in one line (after an emergency sign, where they are moot)."""

    heading: str
    concerns: tuple[tuple[str, str], ...]
    answers: tuple[tuple[str, str], ...]
    said_no: tuple[str, ...] = ()
    no_signs: tuple[str, ...] = ()
    not_answered: tuple[str, ...] = ()  # after an emergency sign: the blanks, by name


@record(eq=False, repr=False)
class Entry:
    """One piece of advice: its title ('' when its section's heading says it), its text
    (None when its checklist says it all), and its labelled details (a label '' for an
    unlabelled list); ``Steps`` are numbered."""

    title: str
    text: str | None
    details: tuple[tuple[str, tuple[str, ...]], ...] = ()
    dose: tuple[str, ...] = ()  # "Hold: ...", "Repeat: ...": shown on one line


@record(eq=False, repr=False)
class Section:
    """A headed group of advice; ``kind`` names it for the stylesheet."""

    heading: str
    entries: tuple[Entry, ...]
    kind: str = ""


@record(eq=False, repr=False)
class HeldBack:
    """Advice held back for safety: (rule id, reason, advice titles) for each rule. The
    person sees the titles and reasons; the rule ids are for the appendix (:class:`Why`)."""

    heading: str
    held: tuple[tuple[str, str, tuple[str, ...]], ...]


@record(eq=False, repr=False)
class Why:
    """The appendix for clinicians: the rules behind the plan, (title, rule id, evidence)
    for each rule shown, and how many intermediate rules are left to the JSON output."""

    rules: tuple[tuple[str, str, tuple[str, ...]], ...]
    others: int


@record(eq=False, repr=False)
class Footer:
    """The rule set (name and version, short digest), and the date if one is given."""

    ruleset: str
    digest: str
    date: str | None = None


@record(eq=False, repr=False)
class Recap:
    """The last line of a printout in a terminal: the urgency again, where it is seen
    after the plan has scrolled by. Only the text renderer writes it."""

    label: str


Block = (Heading | Para | Items | Table | Banner | Notice | YourAnswers | Section | HeldBack
         | Why | Footer | Recap)


@record(eq=False, repr=False)
class Document:
    """A whole document: its title, its blocks, and how an HTML page of it is styled."""

    title: str
    blocks: tuple[Block, ...]
    stylesheet: str = ""
    viewport: bool = False  # a page to read on a phone as well as to print
