"""Command line: ``dlgrade list | check | grade | release | bundle | gradescope`` -> the pipeline
stages; no logic of its own."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.engine import course, i18n
from autograder.engine.errors import BadInput, GraderFault
from autograder.engine.i18n import _
from autograder.engine.safetext import terminal, visible
from . import quiet

EXIT_BAD_INPUT = 2
EXIT_GRADER_FAULT = 3


def cmd_list(args) -> int:
    table = Table(title=_("Assignments"), title_justify="left")
    for column in (_("assignment"), _("title"), _("graded items"), _("checks"), _("points")):
        table.add_column(column)
    for assignment in course.ASSIGNMENTS:
        if not assignment.available:
            missing = _(course.source().unavailable)
            table.add_row(assignment.name, assignment.title, f"[dim]{missing}[/dim]", "-", "-")
            continue
        rubric = assignment.rubric()
        visible = rubric.select(hidden=False)
        hidden, hidden_points = assignment.hidden_checks()
        table.add_row(assignment.name, assignment.title, ", ".join(rubric.functions),
                      _("{visible} visible + {hidden} hidden").format(visible=len(visible), hidden=hidden),
                      f"{sum(c.points for c in visible) + hidden_points:g}")
    Console().print(table)
    return 0


def cmd_check(args) -> int:
    from autograder.engine import grading, report

    assignment = course.get(args.assignment)
    path = args.path or assignment.stub_path
    result = grading.grade_file(assignment.name, path, hidden=args.hidden,
                                figures=Path(args.plots) if args.plots else None)
    if args.json:
        sys.stdout.write(result.dumps() + "\n")
    else:
        report.print_result(result)
    _warn_if_weak(result.sandbox_layers)
    return 0


def _warn_if_weak(layers_found: dict | None) -> None:
    """Say on stderr when the sandbox lacked a layer (Landlock, seccomp, its own uid)."""
    from autograder.engine.sandbox import layers

    if not (layers_found or {}).get("full"):
        print("dlgrade: " + _("warning: weak sandbox: {layers}").format(layers=layers.describe(layers_found)),
              file=sys.stderr)


def require_full_sandbox(allow_weak: bool) -> None:
    """``dlgrade grade`` grades a class: it refuses a weak sandbox unless told otherwise."""
    import json
    import subprocess

    from autograder.engine.sandbox import layers

    probe = subprocess.run([sys.executable, "-m", "autograder.engine.sandbox.layers"], capture_output=True,
                           text=True, timeout=120)
    try:
        found = json.loads(probe.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise GraderFault(_("could not probe the sandbox: {error}").format(error=probe.stderr.strip()[-500:])) from None
    if found.get("full"):
        return
    if not allow_weak:
        raise BadInput(_("refusing to grade with a weak sandbox ({layers}); run as root on "
                         "Linux with Landlock and seccomp, or pass --allow-weak-sandbox to accept it").format(
                             layers=layers.describe(found)))
    _warn_if_weak(found)


def cmd_grade(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from . import batch, gradebook
    from .outputs import OutputFolder

    course.source().require_solutions(_("grading a class needs the course's solutions, which a student "
                                        "bundle does not have"))
    if bool(args.submissions) == bool(args.nbgrader):
        raise BadInput(_("give either SUBMISSIONS or --nbgrader COURSE_DIR"))
    if args.nbgrader:
        from . import nbgrader_gradebook

        args.submissions, args.out = nbgrader_gradebook.plan(Path(args.nbgrader), args.assignment, args.out)
        args.hidden = True  # nbgrader's grade cells include the hidden checks
    if not args.out:
        raise BadInput(_("--out is required"))
    require_full_sandbox(args.allow_weak_sandbox)
    if args.assignment:
        course.get(args.assignment).rubric()  # an unknown or unreleased name is bad input
        names = [args.assignment]
    else:
        names = [a.name for a in course.ASSIGNMENTS if a.available]
    err = Console(stderr=True)
    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("grading", total=None, rate="")

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_done(outcome) -> None:
            if outcome.fault:
                err.print("[bold red]" + _("grader fault") + "[/bold red] " + _("on {item}: {fault}").format(
                    item=f"{terminal(outcome.item.student)}/{outcome.item.assignment}",
                    fault=terminal(outcome.fault)))
            elapsed = progress.tasks[0].elapsed or 0.0
            done = progress.tasks[0].completed + 1
            progress.update(task, advance=1, rate=f"{done / elapsed:.1f}/s" if elapsed else "")

        run = batch.grade_class(Path(args.submissions), Path(args.out), assignments=names,
                                jobs=args.jobs, hidden=args.hidden, force=args.force,
                                on_start=on_start, on_done=on_done)
    for line in run.problems:
        err.print("[red]" + _("not graded") + f"[/red] {terminal(line)}")
    for line in run.skipped_inputs:
        err.print("[yellow]" + _("skipped") + f"[/yellow] {terminal(line)}")
    gradebook.print_class(OutputFolder(Path(args.out)), run)
    if run.interrupted:
        err.print(_("interrupted: results written so far are kept; run again to finish"))
        return 130
    if args.nbgrader:
        recorded = nbgrader_gradebook.record_outputs(Path(args.nbgrader), args.assignment, Path(args.out))
        for line in sorted(recorded.unmatched):
            err.print("[yellow]" + _("not in the gradebook") + f"[/yellow] {terminal(line)}")
        print(_("wrote the scores of {count} student(s) into {path} (nbgrader formgrader and `nbgrader "
                "export` show them)").format(count=len(recorded.students),
                                              path=Path(args.nbgrader) / 'gradebook.db'))
    if run.faults:
        err.print("[bold red]" + _("{count} grader fault(s)").format(count=len(run.faults)) + "[/bold red]"
                  + _("; see {path}").format(path=f"{args.out}/summary.md"))
        return EXIT_GRADER_FAULT
    return 0


def cmd_release(args) -> int:
    from . import catalogs, release

    try:
        paths = release.release(check=args.check)
    except ValueError as exc:  # a malformed solution file
        raise BadInput(str(exc)) from None
    if args.check:
        problems = catalogs.check_all()
        if paths:
            print(_("out of date (run `dlgrade release`):"), *map(str, paths), sep="\n  ")
        if problems:
            print(_("message catalogs (autograder/locale) to fix:"), *problems, sep="\n  ")
        if paths or problems:
            return 1
        print(_("assignments/ and nbgrader/ are up to date with solutions/"))
        return 0
    paths += catalogs.compile_all()
    print("\n".join(_("wrote {path}").format(path=p) for p in paths)
          or _("assignments/ and nbgrader/ were already up to date"))
    return 0


def cmd_bundle(args) -> int:
    from . import bundle

    names = bundle.build(Path(args.student), args.assignment or None)
    print(_("wrote the student bundle {out} ({names}): no solutions, no rubrics, "
            "no hidden checks; students install it with `pip install {out}`").format(
                out=args.student, names=", ".join(names)))
    return 0


def cmd_gradescope(args) -> int:
    from . import gradescope

    if args.run:
        result = gradescope.run(args.assignment, gradescope.autograder_root(args.root))
        print(_("score {score} / {max_score}").format(score=f"{result['score']:g}",
                                                      max_score=f"{result['extra_data']['max_score']:g}"))
        _warn_if_weak(result["extra_data"].get("sandbox"))
        return 0
    if not args.out:
        raise BadInput(_("--out is required (the autograder .zip to write)"))
    path = gradescope.build_zip(args.assignment, Path(args.out))
    print(_("wrote {path}: upload it as the Gradescope autograder of {assignment}").format(
        path=path, assignment=args.assignment))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlgrade", description=_("Deep-learning course autograder"))
    commands = parser.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("list", help=_("assignments, their graded items and points"))
    listing.set_defaults(func=cmd_list)

    check = commands.add_parser("check", help=_("grade one .py or .ipynb file"))
    check.add_argument("assignment")
    check.add_argument("path", nargs="?", help=_("default: assignments/ASSIGNMENT.py"))
    check.add_argument("--json", action="store_true", help=_("print only the result object"))
    check.add_argument("--hidden", action="store_true", help=_("also run the hidden checks"))
    check.add_argument("--lang", help=_("the language of the report: en or ko (default: $DLGRADE_LANG, "
                                      "else the locale, else English)"))
    check.add_argument("--plots", metavar="DIR", help=_("save a plot of failed cases that have one "
                                                      "(optimizer paths) into DIR"))
    check.set_defaults(func=cmd_check)

    grade = commands.add_parser("grade", help=_("grade a whole class into a gradebook"))
    grade.add_argument("submissions", nargs="?",
                       help=_("folder of <student>/ folders, nbgrader's submitted/, or <student>.zip"))
    grade.add_argument("--out", help=_("where results, gradebook.csv and summary.md go "
                                     "(with --nbgrader default: COURSE_DIR/dlgrade)"))
    grade.add_argument("--nbgrader", metavar="COURSE_DIR",
                       help=_("grade COURSE_DIR/submitted/*/A/ and write the scores into its nbgrader gradebook"))
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help=_("parallel submissions (default: cores)"))
    grade.add_argument("--assignment", help=_("grade only this assignment"))
    grade.add_argument("--hidden", action="store_true", help=_("also run the hidden checks"))
    grade.add_argument("--lang", help=_("the language of the feedback and summary: en or ko (default: "
                                      "$DLGRADE_LANG, else the locale, else English)"))
    grade.add_argument("--force", action="store_true", help=_("regrade even unchanged submissions"))
    grade.add_argument("--allow-weak-sandbox", action="store_true",
                       help=_("grade even where Landlock, seccomp or the child's own uid is missing "
                            "(not root, an old kernel, macOS); every result says which layers were active"))
    grade.set_defaults(func=cmd_grade)

    rel = commands.add_parser("release", help=_("regenerate assignments/ from solutions/"))
    rel.add_argument("--check", action="store_true", help=_("fail if assignments/ is out of date"))
    rel.set_defaults(func=cmd_release)

    bundle = commands.add_parser("bundle", help=_("write what students get: stubs, the grader, public checks"))
    bundle.add_argument("--student", required=True, metavar="OUT", help=_("the folder to create"))
    bundle.add_argument("--assignment", action="append", help=_("only this assignment (repeatable)"))
    bundle.set_defaults(func=cmd_bundle)

    gradescope = commands.add_parser("gradescope", help=_("build a Gradescope autograder zip"))
    gradescope.add_argument("assignment")
    gradescope.add_argument("--out", help=_("the .zip to write (e.g. autograder.zip)"))
    gradescope.add_argument("--run", action="store_true",
                            help=_("inside Gradescope: grade ROOT/submission into ROOT/results/results.json"))
    gradescope.add_argument("--root", help=_("with --run: the autograder root (default $DLGRADE_AUTOGRADER_ROOT "
                                           "or /autograder)"))
    gradescope.set_defaults(func=cmd_gradescope)
    return parser


def _early_language(argv: list[str]) -> None:
    """Speak ``--lang`` (when it names a known language) or the environment's language
    before the parser, whose help texts are translated, is built; ``main`` still checks
    ``--lang`` (an unknown one is bad input)."""
    lang = None
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            lang = arg.partition("=")[2]
        elif arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
    i18n.use(i18n.normalize(lang) or i18n.from_environment())


def main(argv: list[str] | None = None) -> int:
    _early_language(sys.argv[1:] if argv is None else list(argv))
    args = build_parser().parse_args(argv)
    try:
        i18n.use(i18n.select(getattr(args, "lang", None)))
        with quiet.native_logs_filtered():  # no backend start-up lines on the user's terminal
            return args.func(args)
    except BadInput as exc:
        print(f"dlgrade: {visible(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except GraderFault as exc:
        print("dlgrade: " + _("grader fault (not your fault; please report it): {error}").format(error=visible(exc)),
              file=sys.stderr)
        return EXIT_GRADER_FAULT
    except KeyboardInterrupt:
        print("dlgrade: " + _("interrupted"), file=sys.stderr)
        return 130
