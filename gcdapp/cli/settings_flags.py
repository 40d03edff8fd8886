"""The command line's run-setting flags, one per
:data:`~gcdapp.core.run_settings.SETTINGS` entry (``--workers``,
``--chunksize``, ``--repeat`` ...), with the schema's limits and wording."""

from __future__ import annotations

import argparse

from gcdapp.core.plan import Plan, modes_plan
from gcdapp.core.run_settings import SETTINGS, RunSettings, Setting


def _value(setting: Setting, text: str):
    """One value of ``setting`` written as ``text``, or ArgumentTypeError."""
    try:
        value = setting.from_text(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if setting.kind == "choice" and value is not None:
        known = [o.value for o in setting.all_options()]
        if value not in known:
            raise argparse.ArgumentTypeError(
                f"unknown {setting.title.lower()} {value!r}; choose from {', '.join(known)}")
    return value


def _parser(setting: Setting):
    if not setting.cli_many:
        return lambda text: _value(setting, text)

    def many(text: str) -> list:
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"no {setting.title.lower()} given in {text!r}")
        known = [o.value for o in setting.all_options()]
        unknown = [t for t in items if t not in known]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {setting.title.lower()} {', '.join(unknown)!r}; "
                f"choose from {', '.join(known)}")
        return list(dict.fromkeys(_value(setting, t) for t in items))

    parse = many
    parse.__name__ = setting.name  # argparse names the type in its messages
    return parse


def _help(setting: Setting) -> str:
    text = setting.tooltip.rstrip(".")
    if setting.kind == "flag":
        return f"{text} (default {'on' if setting.default else 'off'})"
    if setting.kind == "text":
        return f"{text} (default {setting.to_text(setting.default) or 'none'})"
    if setting.kind == "choice":
        text += f"; one of {', '.join(o.value for o in setting.all_options())}"
        if setting.cli_many:
            text += ", or several separated by commas"
    elif setting.kind == "count":
        text += f"; {setting.limits_text()}"
    default = setting.to_text(setting.default) or setting.empty_means
    return f"{text} (default {default})"


def add_setting_flags(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """A flag for every run setting but those named in ``skip`` (a command
    that gives one of them its own flag); ``args.<name>`` holds its value."""
    for s in SETTINGS:
        if s.name in skip:
            continue
        if s.kind == "flag":
            parser.add_argument(s.flag, dest=s.name, action=argparse.BooleanOptionalAction,
                                default=s.default, help=_help(s))
            continue
        default = [s.default] if s.cli_many else s.default
        parser.add_argument(s.flag, dest=s.name, type=_parser(s), default=default,
                            metavar=s.metavar, help=_help(s))


def settings_from_args(args: argparse.Namespace) -> list[RunSettings]:
    """One :class:`RunSettings` per value of each many-valued flag (a run
    per mode), in order."""
    out = [{}]
    for s in SETTINGS:
        value = getattr(args, s.name)
        values = value if s.cli_many else [value]
        out = [dict(d, **{s.name: v}) for d in out for v in values]
    return [RunSettings.from_values(d) for d in out]


def plan_from_args(args: argparse.Namespace) -> Plan:
    """The runs the flags ask for: each mode, ``--repeat`` rounds
    (interleaved unless ``--no-interleave``), warm-ups first with
    ``--warm-up``; each mode given only the settings it uses."""
    first = settings_from_args(args)[0]
    return modes_plan(first, getattr(args, "mode"))
