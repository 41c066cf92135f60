"""``triage ask``: the questionnaire in a terminal, then the plan (and a printable handout).

Which question comes next is decided by :mod:`triage.questionnaire` (pure functions of
the answers); this module only prompts, reads, saves and prints. Questions, prompts and
messages go to standard error, the plan to standard output. Ctrl-C stops with exit 130
and Ctrl-D (end of input) with exit 2, in both cases after saving the answers given so
far when ``--save`` (or ``--resume``) names a file.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from triage import api
from triage import questionnaire as flow
from triage.documents.plan import URGENCY_LABELS, plan_document
from triage.documents.render import Format, Renderer, format_of, renderer
from triage.documents.words import RECAP
from triage.engine import Engine
from triage.errors import ExitStatus, TriageError
from triage.intake.files import read_answers
from triage.language.model import Result, Ruleset, Urgency, fill
from triage.language.questions import NOT_SURE, Question
from triage.language.values import ValueProblem
from triage.pipeline import triage_answers
from triage.problems import shown
from triage.safewrite import OutputError, Target, write_text

from .funnel import report, streams_of
from .options import LocaleOption, RulesOption, checked_locale, iso_date, output_target
from .streams import Streams

HANDOUTS = (Format.MARKDOWN, Format.HTML)  # the formats of a printable handout
BACK_WORDS = ("<", "back")
HELP_WORDS = ("?", "help")
URGENCY_STYLES = {Urgency.EMERGENCY: "bold white on red", Urgency.URGENT: "bold red",
                  Urgency.ROUTINE: "bold yellow", Urgency.SELF_CARE: "bold green"}
BACK = object()  # what a person typed to go back one question


class Terminal:
    """Where a person reads and types: prompts on stderr, input from stdin."""

    def __init__(self, streams: Streams, plain: bool) -> None:
        from rich.console import Console  # here, not at import: `triage run` starts faster

        no_color = plain or "NO_COLOR" in os.environ
        self.streams = streams
        self.plain = plain
        self.err = Console(file=streams.stderr, no_color=no_color, highlight=False,
                           emoji=False)
        self.out = Console(file=streams.stdout, no_color=no_color, highlight=False,
                           emoji=False)

    def say(self, text: str = "", style: str | None = None) -> None:
        self.err.print(text, style=None if self.plain else style, markup=False,
                       soft_wrap=self.plain)

    def read(self, prompt: str) -> str:
        """One line typed, stripped; EOFError at the end of input (or with none at all).
        A line that is not text in the terminal's encoding is asked for again."""
        while True:
            self.err.print(prompt, end="", markup=False, highlight=False, soft_wrap=True)
            self.err.file.flush()
            stream = self.streams.stdin
            if stream is None or stream.closed:
                raise EOFError
            encoding = getattr(stream, "encoding", None) or "utf-8"
            buffer = getattr(stream, "buffer", None)
            line: str | bytes = (buffer.readline() if buffer is not None
                                 else stream.readline())
            if not line:
                raise EOFError
            if isinstance(line, str):
                return line.strip()
            try:
                return line.decode(encoding).strip()
            except UnicodeDecodeError:
                self.say(f"Sorry, that answer was not understood: it is not {encoding} text "
                         "(check the terminal's character set). Please try again.",
                         style="yellow")


# ---------------------------------------------------------------- one question

def _show_heading(term: Terminal, question: Question, heading: str) -> None:
    term.say()
    term.say(f"{heading} ({flow.section_name(question)})",
             style="dim")


def _show_question(term: Terminal, question: Question, heading: str) -> None:
    _show_heading(term, question, heading)
    term.say(question.text, style="bold")
    for index, choice in enumerate(question.choices, 1):
        term.say(f"  {index}. {choice.value}: {choice.label}")
    if question.type == "choice" and question.takes_not_sure:
        term.say(f"  {len(question.choices) + 1}. not sure: I am not sure")


def _prompt_text(question: Question, previous: Any) -> str:
    if question.type == "yes_no":
        allowed = "yes, no or not sure" if question.takes_not_sure else "yes or no"
    elif question.type == "integer":
        allowed = question.allowed_text() + (f" ({question.unit})" if question.unit else "")
    elif question.type == "choice":
        allowed = "a number or a word from the list" + (", or not sure"
                                                        if question.takes_not_sure else "")
    else:
        allowed = "one or more numbers or words, separated by commas"
    keep = (f"; Enter keeps: {flow.show_value(question, previous)}"
            if previous is not None else "")
    return f"Answer {allowed} (? for help, < to go back{keep}): "


def ask_one(term: Terminal, question: Question, heading: str, previous: Any = None) -> Any:
    """Ask until the answer is valid; return the typed value, or BACK."""
    from triage.questionnaire.keyboard import understood  # here: `triage run` starts faster

    _show_question(term, question, heading)
    while True:
        raw = term.read(_prompt_text(question, previous))
        if raw.lower() in HELP_WORDS:
            term.say(question.help or "No extra help for this question.", style="italic")
            continue
        if raw.lower() in BACK_WORDS:
            return BACK
        if not raw:
            if previous is not None:
                return previous
            term.say("Please type an answer (or ? for help).", style="yellow")
            continue
        try:
            value, guessed = understood(question, raw)
        except ValueProblem as exc:
            term.say(f"Sorry, that answer was not understood: {exc}. Please try again.",
                     style="yellow")
            continue
        if guessed:
            term.say(f"Taken as: {flow.show_value(question, value)}", style="dim")
        return value


def ask_screen(term: Terminal, screen: flow.Screen, step: tuple[int, int],
               previous: Mapping[str, Any]) -> dict[str, Any] | object:
    """Show one screen and ask until it is answered; return {id: typed value}, or BACK.
    A screen of several yes/no questions is answered on one line, one answer each."""
    if not screen.grouped:
        question = screen.questions[0]
        value = ask_one(term, question, flow.step_heading(step), previous.get(question.id))
        return value if value is BACK else {question.id: value}
    from triage.questionnaire.keyboard import GroupProblem, group_answers

    questions = screen.questions
    kept = [previous.get(q.id) for q in questions]
    _show_group(term, screen, step)
    while True:
        raw = term.read(_group_prompt(screen, kept))
        if raw.lower() in HELP_WORDS:
            for index, question in enumerate(questions, 1):
                term.say(f"{index}. {question.help or 'No extra help for this question.'}",
                         style="italic")
            continue
        if raw.lower() in BACK_WORDS:
            return BACK
        if not raw:
            if None not in kept:
                return {q.id: value for q, value in zip(questions, kept, strict=True)}
            term.say("Please type your answers (or ? for help).", style="yellow")
            continue
        try:
            values = group_answers(questions, raw)
        except GroupProblem as exc:
            term.say(f"Sorry, that answer was not understood: {exc}. Please try again.",
                     style="yellow")
            continue
        term.say("Taken as: " + "; ".join(
            f"{index} {flow.show_value(q, value)}"
            for index, (q, value) in enumerate(zip(questions, values, strict=True), 1)),
            style="dim")
        return {q.id: value for q, value in zip(questions, values, strict=True)}


def _show_group(term: Terminal, screen: flow.Screen, step: tuple[int, int]) -> None:
    questions = screen.questions
    _show_heading(term, questions[0], flow.step_heading(step))
    term.say(flow.group_heading(questions) + ".", style="bold")
    if term.plain:
        for index, question in enumerate(questions, 1):
            term.say(f"  {index}. {question.text}")
        return
    from rich.table import Table

    listed = Table.grid(padding=(0, 1))  # a wrapped question stays under its own text
    listed.add_column(justify="right")
    listed.add_column()
    for index, question in enumerate(questions, 1):
        listed.add_row(f"  {index}.", question.text)
    term.err.print(listed)


def _group_prompt(screen: flow.Screen, kept: list[Any]) -> str:
    count = len(screen.questions)
    sample = ("n", "y", "n", "ns") if screen.questions[0].danger_sign else ("n", "y")
    example = " ".join(sample[index % len(sample)] for index in range(count))
    if screen.questions[0].danger_sign:
        allowed = (f"{count} answers in order, one for each (y = yes, n = no, ns = not sure), "
                   f"for example: {example}")
    else:
        allowed = (f"0 if none of these apply; or {count} answers in order, one for each "
                   f"(y = yes, n = no), for example: {example}")
    keep = ("; Enter keeps: " + " ".join(_short(value) for value in kept)
            if None not in kept else "")
    return f"Type {allowed} (? for help, < to go back{keep}): "


def _short(value: Any) -> str:
    return "ns" if value == NOT_SURE else ("y" if value is True else "n")


# ---------------------------------------------------------------- saving and resuming

def _resumed(term: Terminal, ruleset: Ruleset, path: Path) -> dict[str, Any]:
    """Saved answers, each checked; a bad or unknown one is reported and asked again."""
    from triage.questionnaire.saved import resumed

    raw, where = read_answers(str(path))
    saved = resumed(ruleset, raw, where)
    if saved.notes:
        term.say(f"Some saved answers in {where} could not be used; those questions will be "
                 "asked again:", style="yellow")
    for note in saved.notes:
        term.say(f"  {note}", style="yellow")
    return saved.answers


# ---------------------------------------------------------------- the session

def _summary(term: Terminal, ruleset: Ruleset, answers: Mapping[str, Any]) -> str | None:
    """Show every answer; return None to go on, an id to change, or '<' to go back."""
    rows = flow.summary_rows(ruleset, answers)
    term.say()
    term.say("Your answers", style="bold")
    if term.plain:
        for number, _, text, answer in rows:
            term.say(f"  {number}. {text} Answer: {answer}")
    else:
        from rich.table import Table

        table = Table("#", "question", "your answer", show_lines=False)
        for number, _, text, answer in rows:
            table.add_row(str(number), text, answer)
        term.err.print(table)
    ids = {str(number): qid for number, qid, _, _ in rows} | {qid: qid for _, qid, _, _ in rows}
    while True:
        raw = term.read("Press Enter to see your plan, or type the number of an answer to "
                        "change it (? for help): ")
        if not raw:
            return None
        if raw.lower() in BACK_WORDS:
            return "<"
        if raw.lower() in HELP_WORDS:
            term.say(_summary_help(len(rows)), style="italic")
            continue
        if raw in ids:
            return ids[raw]
        term.say(f"Sorry, {shown(raw)} is not one of the numbers 1 to {len(rows)}. Please try "
                 "again (? for help).", style="yellow")


def _summary_help(rows: int) -> str:
    return (f"Here you can type: Enter to see your plan; a number from 1 to {rows} to "
            "change that answer; < (or back) to go back to the last question; "
            "Ctrl-C to stop.")


def run_session(term: Terminal, engine: Engine, answers: dict[str, Any],
                on_change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Ask until the questionnaire is over (confirmed, or an emergency); return the answers.

    ``on_change`` sees the answers after every change (to save them as they come).
    """
    ruleset = engine.ruleset
    previous: dict[str, Any] = {}
    while True:
        on_change(answers)
        screen = flow.next_screen(engine, answers)
        if screen is None:
            if flow.is_emergency(engine, answers):
                return answers
            choice = _summary(term, ruleset, answers)
            if choice is None:
                return answers
            if choice == "<":
                answers, _ = _undo(ruleset, answers, previous)
            else:
                answers = _change(term, ruleset, answers, ruleset.question_map[choice])
            continue
        given = ask_screen(term, screen, flow.progress(engine, answers), previous)
        if not isinstance(given, dict):
            answers, undone = _undo(ruleset, answers, previous)
            if undone is None:
                term.say("This is the first question.", style="yellow")
            continue
        answers = flow.pruned(ruleset, {**answers, **given})


def _change(term: Terminal, ruleset: Ruleset, answers: dict[str, Any],
            question: Question) -> dict[str, Any]:
    """Ask one answered question again (chosen at the summary), under its summary number;
    Enter or '<' keeps the answer it had."""
    value = ask_one(term, question,
                    f"Changing answer {flow.number(ruleset, answers, question)}",
                    answers[question.id])
    if value is BACK:
        return answers
    return flow.pruned(ruleset, {**answers, question.id: value})


def _undo(ruleset: Ruleset, answers: dict[str, Any],
          previous: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    remaining, undone = flow.back(ruleset, answers)
    previous.update({key: value for key, value in answers.items() if key not in remaining})
    return remaining, undone


# ---------------------------------------------------------------- the plan

def show_plan(term: Terminal, result: Result) -> None:
    """The plan on standard output: emergency advice first and prominent."""
    if term.plain:
        term.streams.out(renderer(Format.TEXT)(result))  # what `triage run` prints
        return
    from rich.markdown import Markdown
    from rich.panel import Panel

    from triage.documents import markdown

    label = URGENCY_LABELS[result.urgency]
    body = markdown.render_blocks(plan_document(result).blocks[1:])  # after the banner
    with term.out.capture() as drawn:
        term.out.print(Panel(result.headline, title=label, style=URGENCY_STYLES[result.urgency]))
        term.out.print(Markdown(body))
        term.out.print(f"{RECAP}: {label}", style=URGENCY_STYLES[result.urgency])
    term.streams.out(drawn.get())


def _handout(output: Path | None, date: str | None) -> Renderer | None:
    """The handout's renderer, from the file's extension, with the date to print (both
    checked before the first question)."""
    format = None
    if output is not None:  # by the extension, as `triage run -o` does
        try:
            format = format_of(output, allowed=HANDOUTS)
        except ValueError:
            raise TriageError(f"--output {output}: the handout is written as .md or "
                              ".html") from None
    printed_on = _date(date)
    return None if format is None else renderer(format, date=printed_on)


def _date(date: str | None) -> str:
    if date is None:
        return datetime.date.today().isoformat()
    return iso_date(date, "--date").isoformat()


def _stopped_message(save: Target | None) -> str:
    if save is None:
        return "triage: stopped before the end; nothing was saved (use --save FILE next time)"
    return (f"triage: stopped before the end; your answers are saved in {save.shown} "
            f"(carry on with: triage ask --resume {save.shown})")


def ask(
    ctx: typer.Context,
    save: Annotated[Path | None, typer.Option(
        "--save", metavar="FILE",
        help="Keep the answers in this file (YAML, as `triage run` reads), "
        "written after every answer and when you stop part-way.", dir_okay=False)] = None,
    resume: Annotated[Path | None, typer.Option(
        "--resume", metavar="FILE",
        help="Carry on from answers saved earlier (and keep saving there "
        "unless --save names another file).", dir_okay=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Also write a printable handout: plan.md or plan.html.",
        dir_okay=False)] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="The date printed on the handout "
        "(default: today).")]
        = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Let --save replace an answers file that is already there.")]
        = False,
    plain: Annotated[bool, typer.Option(
        "--plain", help="Plain text: no colour, no boxes (for screen readers; NO_COLOR "
        "also turns colour off).")] = False,
    rules: RulesOption = None,
    locale: LocaleOption = None,
) -> None:
    """Answer the questionnaire in the terminal and get a plan you can print."""
    engine = api.engine(rules)
    handout = _handout(output, date)
    locale = checked_locale(engine.ruleset, locale)
    term = Terminal(streams_of(ctx), plain)
    _refuse_overwrite(save, resume, force)
    save = save or (resume if resume is not None and resume.is_file() else None)
    # Before the first question: a file that could not be written at the end is refused
    # now. Saving over the resumed answers is the point; a handout over them is not.
    saving = output_target(save, option="--save")
    handout_target = output_target(output, [path for path in (resume, save) if path],
                                   option="--output")
    answers = _resumed(term, engine.ruleset, resume) if resume else {}
    _intro(term, engine.ruleset, answers, locale)
    answers = _session(term, engine, answers, saving)
    result = triage_answers(engine, answers, missing="conservative", locale=locale)
    show_plan(term, result)
    if handout is not None and handout_target is not None:
        _write_handout(term.streams, handout_target, handout(result),
                       engine.ruleset, answers, saving)
        term.say(f"{URGENCY_LABELS[result.urgency]}. Your full plan is also in "
                 f"{handout_target.shown}, ready to print.")


def _refuse_overwrite(save: Path | None, resume: Path | None, force: bool) -> None:
    """--save never replaces answers it did not start: an existing file needs --resume
    (to carry on from it) or --force (to replace it)."""
    if save is None or force or not save.exists():
        return
    if resume is not None and resume.exists() and os.path.samefile(save, resume):
        return
    raise TriageError(f"--save {save}: this file is already there, and its answers would be "
                      f"replaced; to carry on from them use --resume {save}, or to replace "
                      "them add --force")


def _write_handout(streams: Streams, output: Target, text: str, ruleset: Ruleset,
                   answers: Mapping[str, Any], save: Target | None) -> None:
    """Write the handout; if that fails after all, the plan is already on standard output
    and the answers are never lost: they are in the --save file, or printed on stderr as
    YAML to keep. Exit 2 either way."""
    from triage.questionnaire.saved import answers_yaml

    try:
        write_text(output, text)
        return
    except OutputError as exc:
        reason = exc.message
    error = TriageError(f"{output.name}: cannot write the handout: {reason}")
    report(streams, error)
    if save is not None:
        streams.note(f"triage: the plan is above; your answers are saved in {save.shown} "
                     f"(to write the handout again: triage ask --resume {save.shown} "
                     "--output FILE)")
    else:
        streams.note("triage: the plan is above; your answers follow, to keep: save the "
                     "lines below as answers.yaml and run: triage ask --resume answers.yaml "
                     "--output FILE")
        streams.note(answers_yaml(ruleset, answers, "answers.yaml"), nl=False)
    raise typer.Exit(int(error.exit_status))


def _session(term: Terminal, engine: Engine, answers: dict[str, Any],
             save: Target | None) -> dict[str, Any]:
    """run_session, saving as it goes; Ctrl-C exits 130 and end of input 2, saved first."""
    from triage.questionnaire.saved import save_answers

    latest = dict(answers)

    def keep(current: dict[str, Any]) -> None:
        if current != latest:
            latest.clear()
            latest.update(current)
            if save is not None:
                save_answers(save, engine.ruleset, latest)

    try:
        return run_session(term, engine, answers, keep)
    except KeyboardInterrupt:
        status = ExitStatus.INTERRUPTED
    except EOFError:
        status = ExitStatus.BAD_INPUT
    term.say()
    if save is not None:
        save_answers(save, engine.ruleset, latest)
    term.streams.note(_stopped_message(save))
    raise typer.Exit(int(status))


def _intro(term: Terminal, ruleset: Ruleset, answers: Mapping[str, Any],
           locale: str | None) -> None:
    services = ruleset.locales[locale or ruleset.default_locale]
    term.say("backtriage: a few questions about your back, then a plan.", style="bold")
    term.say(fill(ruleset.disclaimer, services))
    term.say("Type ? for help on a question, or < for the previous one. Ctrl-C stops.")
    if answers:
        left = sum(1 for q in flow.flow_order(ruleset) if q.id not in answers)
        term.say(f"Carrying on from {len(answers)} saved answers ({left} questions not yet "
                 "answered; some may not apply).")
