"""Every run setting, described once.

A :class:`Setting` names one knob of a run and says its type, default,
limits, label, tooltip and which backends use it. Everything that handles
run settings is derived from :data:`SETTINGS`:

- validation (:func:`check_settings`, called by the engine's ``check_run``);
- the settings panel's widgets (``gcdapp.ui.running.settings_panel``);
- the QSettings keys and values (``gcdapp.ui.document.preferences``);
- session reading and writing (``gcdapp.core.session``);
- the command line's flags (``gcdapp.cli.main``).

Adding a setting is one entry here, a field on :class:`RunSpec` (or
:class:`RunSettings` for one that is not the engine's), and the code that
uses it.

Values: a *choice* is a string (or None for "the backend's default"); a
*count* is an int within ``[low, high]``, or the setting's ``auto`` value
(``None`` or ``"auto"``) when it has one; a *flag* is a bool; a *text* is
free text on one line: a plain one is a string (empty: the setting's "none",
such as "a local cluster"), an optional one is None when empty (a path or a
version). Text forms (command line, QSettings) are ``"auto"`` or decimal
digits, or the text itself; JSON forms (sessions) are the value itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from gcdapp.core.run_spec import RunSpec
from gcdapp.core.json_kind import kind_of
from gcdapp.core.system import usable_cores

AUTO = "auto"
_NO_AUTO = object()

#: Most workers a run may ask for, whatever the backend.
MAX_WORKERS = 256
#: Most pairs per task.
MAX_CHUNKSIZE = 1_000_000
#: Most runs in a row with the same settings.
MAX_REPEATS = 100


@dataclass(frozen=True)
class Option:
    """One choice of a choice setting, as a list shows it."""

    value: str
    title: str
    tooltip: str = ""
    unavailable: str | None = None  # why it cannot be chosen here


@dataclass(frozen=True)
class Setting:
    """One run setting. See the module docstring."""

    name: str
    kind: Literal["choice", "count", "flag", "text"]
    default: Any
    label: str  # with a mnemonic: "&Workers"
    tooltip: str
    low: int = 1
    high: int | None = None
    #: the value that means "automatic" (None or "auto"); none when _NO_AUTO
    auto: Any = _NO_AUTO
    #: which backends use it, from their capabilities; None: every backend
    uses: Callable[[Any], bool] | None = None
    #: the choices, given the capabilities of the chosen mode's backend
    #: (None: of every backend)
    options: Callable[[Any], list[Option]] | None = None
    #: the value a backend picks when the current one is not among its
    #: options (default: its first option)
    backend_default: Callable[[Any], Any] | None = None
    #: how a control shows the auto value: "auto (2)"
    auto_label: Callable[[], str] | None = None
    #: the tooltip of a control the chosen mode does not use
    unused: str = "{mode} mode takes no {title}."
    #: None for a value meaning "the backend's default" (choices only)
    optional: bool = False
    #: on :class:`RunSpec` (the engine's) or only on :class:`RunSettings`
    in_spec: bool = True
    cli_flag: str = ""  # default: --name with dashes
    metavar: str | None = None
    #: the command line takes a comma-separated list (one run per value)
    cli_many: bool = False
    #: files from before it existed lack it: missing means the default
    added_later: bool = False
    #: what an empty text control shows (text settings)
    placeholder: str = ""
    #: the panel hides it, not only disables it, while the chosen mode does
    #: not use it (settings of one backend, which would crowd the others)
    hide_unused: bool = False
    #: what an empty (None) optional value means, for help texts
    empty_means: str = "the backend's default"

    @property
    def title(self) -> str:
        """The label without its mnemonic: "Workers"."""
        return self.label.replace("&", "")

    @property
    def flag(self) -> str:
        return self.cli_flag or "--" + self.name.replace("_", "-")

    @property
    def has_auto(self) -> bool:
        return self.auto is not _NO_AUTO

    def used_by(self, capabilities) -> bool:
        """Whether a backend with ``capabilities`` uses this setting."""
        return self.uses is None or bool(self.uses(capabilities))

    def default_for(self, capabilities) -> Any:
        """The value to pick for a backend that does not offer the current one."""
        if self.backend_default is not None:
            return self.backend_default(capabilities)
        offered = self.options(capabilities) if self.options is not None else []
        return offered[0].value if offered else self.default

    def unused_text(self, mode_title: str) -> str:
        return self.unused.format(mode=mode_title, title=self.title.lower())

    def limits_text(self) -> str:
        """``"1–256"``, ``"auto or 1–1,000,000"``."""
        span = f"{self.low:,}–{self.high:,}"
        return f"{AUTO} or {span}" if self.has_auto else span

    # -- checking ------------------------------------------------------------
    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable for this setting, or None."""
        if self.kind == "flag":
            return None if type(value) is bool else (
                f"{self.title.lower()} must be true or false, got {value!r}")
        if self.kind == "text":
            if value is None and self.optional:
                return None
            if type(value) is not str:
                return f"{self.title.lower()} must be text, got {value!r}"
            if "\n" in value or "\r" in value:
                return f"{self.title.lower()} must be one line, got {value!r}"
            if self.optional and not value.strip():
                return f"{self.title.lower()} must be {self.metavar or 'text'}, got {value!r}"
            return None
        if self.kind == "choice":
            if value is None and self.optional:
                return None
            if not isinstance(value, str) or not value:
                return f"{self.title.lower()} must be a name, got {value!r}"
            return None
        if self.has_auto and value == self.auto:
            return None
        if type(value) is not int or not self.low <= value <= self.high:
            either = f"{AUTO!r} or " if self.auto == AUTO else ""
            return (f"{self.title.lower()} must be {either}between {self.low:,} and "
                    f"{self.high:,}, got {value!r}")
        return None

    def check(self, value: Any) -> Any:
        """``value``, or ValueError saying why it is not acceptable."""
        reason = self.problem(value)
        if reason is not None:
            raise ValueError(reason)
        return value

    # -- text (command line, QSettings) ---------------------------------------
    def to_text(self, value: Any) -> str:
        if self.kind == "flag":
            return "true" if value else "false"
        if self.kind == "text":
            return "" if value is None else str(value)
        if value is None or (self.has_auto and value == self.auto):
            return AUTO if self.has_auto else ""
        return str(value)

    def from_text(self, text: str) -> Any:
        """The value written as ``text``; ValueError with the reason."""
        text = str(text).strip()
        if self.kind == "flag":
            word = text.lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(f"{text!r} is not true or false")
        if self.kind in ("choice", "text"):
            return None if not text and self.optional else self.check(text)
        if self.has_auto and text.lower() == AUTO:
            return self.auto
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not {self.limits_text()}") from None
        return self.check(number)

    # -- JSON (sessions) ------------------------------------------------------
    def to_json(self, value: Any) -> Any:
        return value

    def from_json(self, value: Any) -> Any:
        """The value a session stored; ValueError with the reason, worded
        to follow the field's name (``should be at most 256, not 300``)."""
        if self.kind == "flag":
            if type(value) is not bool:
                raise ValueError(f"should be true or false, not {kind_of(value)}")
            return value
        if self.kind == "text":
            if value is None and self.optional:
                return None
            if type(value) is not str:
                kinds = "a string or null" if self.optional else "a string"
                raise ValueError(f"should be {kinds}, not {kind_of(value)}")
            if "\n" in value or "\r" in value:
                raise ValueError(f"should be one line of text, not {value!r}")
            if self.problem(value) is not None:  # an optional one, empty: null instead
                raise ValueError(f"should be {self.metavar or 'text'} or null, not {value!r}")
            return value
        if self.kind == "choice":
            if value is None and self.optional:
                return None
            if type(value) is not str:
                kinds = "a string or null" if self.optional else "a string"
                raise ValueError(f"should be {kinds}, not {kind_of(value)}")
            return value
        if self.has_auto and value == self.auto:
            return value
        if type(value) is not int:
            auto = {None: " or null", AUTO: ""}.get(self.auto, "") if self.has_auto else ""
            lead = '"auto" or an integer' if self.auto == AUTO else "an integer"
            raise ValueError(f"should be {lead}{auto}, not {kind_of(value)}")
        if value < self.low:
            raise ValueError(f"should be at least {self.low:,}, not {value:,}")
        if value > self.high:
            raise ValueError(f"should be at most {self.high:,}, not {value:,}")
        return value

    # -- choices ------------------------------------------------------------------
    def all_options(self) -> list[Option]:
        """Every choice any backend offers (for a choice setting)."""
        return self.options(None) if self.options is not None else []


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


# -- the choices -----------------------------------------------------------------

def _mode_options(_capabilities=None) -> list[Option]:
    from gcdapp.core.backends import registry

    out = []
    for name in registry.names():
        backend = registry.get(name)
        out.append(Option(name, backend.title, backend.description,
                          backend.capabilities.unavailable_reason))
    return out


def _kernel_options(_capabilities=None) -> list[Option]:
    from gcdapp.core.kernels import KERNELS

    return [Option(name, k.title, k.description, k.unavailable_reason)
            for name, k in KERNELS.items()]


START_METHOD_HELP = {
    "forkserver": "Workers fork from a small server process started once: safe with threads, quick.",
    "spawn": "Each worker starts a fresh interpreter: safe everywhere, slowest to start.",
    "fork": "Workers are forked from this process. Unsafe while threads run (Qt's do): may deadlock.",
}


def _start_method_options(capabilities) -> list[Option]:
    """The start methods of one backend, or of every backend (None)."""
    if capabilities is None:
        from gcdapp.core.backends import registry

        every = (registry.get(name).capabilities for name in registry.names())
        methods = tuple(dict.fromkeys(m for caps in every for m in caps.start_methods))
    else:
        methods = tuple(capabilities.start_methods)
    return [Option(m, m, START_METHOD_HELP.get(m, m)) for m in methods]


def _takes_workers(capabilities) -> bool:
    return capabilities.takes_workers


def _takes_start_method(capabilities) -> bool:
    return capabilities.takes_start_method


def _takes_cluster(capabilities) -> bool:
    return getattr(capabilities, "cluster", False)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "python", "text", None, "&Python",
        "Run in another Python on this machine: its path, or a version such as 3.13 or "
        "3.13t (found on PATH, in pyenv or uv); empty: gcdapp's own Python.",
        optional=True, metavar="PATH|VERSION", added_later=True,
        empty_means="gcdapp's own Python",
    ),
    Setting(
        "mode", "choice", "processes", "&Mode", "How the pairs are computed.",
        options=_mode_options, metavar="MODES", cli_many=True,
    ),
    Setting(
        "workers", "count", None, "&Workers",
        f"Worker threads or processes; auto: this machine's {usable_cores()} usable cores.",
        low=1, high=MAX_WORKERS, auto=None, uses=_takes_workers, metavar="N|auto",
        auto_label=lambda: f"{AUTO} ({usable_cores()})",
        unused="{mode} mode always uses one worker.",
    ),
    Setting(
        "kernel", "choice", "bruteforce", "&Kernel", "The gcd implementation each task runs.",
        options=_kernel_options, metavar="NAME",
    ),
    Setting(
        "chunksize", "count", AUTO, "C&hunk size",
        "Pairs per task. 'auto' batches cheap work and splits heavy work finely; "
        "1 is the seed's pool.map.",
        low=1, high=MAX_CHUNKSIZE, auto=AUTO, metavar="N|auto",
    ),
    Setting(
        "start_method", "choice", None, "&Start method",
        "How worker processes start; empty: the backend's safe default.",
        options=_start_method_options, optional=True, uses=_takes_start_method,
        backend_default=lambda caps: caps.default_start_method, metavar="METHOD",
    ),
    Setting(
        "scheduler", "text", "", "S&cheduler",
        "The Dask scheduler to run on: tcp://host:8786, tls://host:8786 or a scheduler "
        "file; empty: a local cluster on this machine, listening on 127.0.0.1 only.",
        uses=_takes_cluster, metavar="ADDRESS", added_later=True,
        placeholder="local cluster (127.0.0.1); or tcp://host:8786", hide_unused=True,
        unused="{mode} mode runs on this machine, not on a Dask scheduler.",
    ),
    Setting(
        "dashboard", "flag", False, "&Dashboard",
        "Serve the local Dask cluster's dashboard on 127.0.0.1 (a free port) and show its link.",
        uses=_takes_cluster, added_later=True, unused="{mode} mode has no dashboard.",
    ),
    Setting(
        "tls", "text", "", "T&LS files",
        "TLS certificate files for a tls:// Dask scheduler, as ca-file,cert-file[,key-file] "
        "(Dask's Security); empty: no TLS.",
        uses=_takes_cluster, metavar="CA,CERT[,KEY]", added_later=True,
        placeholder="no TLS; or ca.pem,cert.pem[,key.pem]", hide_unused=True,
        unused="{mode} mode takes no TLS files.",
    ),
    Setting(
        "repeats", "count", 1, "R&epeats",
        "Runs in a row with the same settings; reports give median, min and max.",
        low=1, high=MAX_REPEATS, in_spec=False, cli_flag="--repeat", metavar="R",
    ),
    Setting(
        "warm_up", "flag", False, "&Warm-up run",
        "First one unrecorded run of each mode, so that pools, caches and the CPU's "
        "clock settle before anything is measured.",
        in_spec=False, added_later=True,
    ),
    Setting(
        "interleave", "flag", True, "&Interleave modes",
        "Compare modes in rounds (A B C A B C, not A A A B B B), so that drift in "
        "this machine's speed falls on every mode alike.",
        in_spec=False, added_later=True,
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    return BY_NAME[name]


@dataclass(frozen=True)
class RunSettings:
    """Every setting's value: the engine's :class:`RunSpec` plus the rest.

    ``spec`` keeps ``workers`` and ``start_method`` even for modes that
    ignore them, so that switching back finds them again; :meth:`run_spec`
    gives the spec a run gets."""

    spec: RunSpec = RunSpec()
    repeats: int = 1
    warm_up: bool = False
    interleave: bool = True

    def get(self, name: str) -> Any:
        return getattr(self.spec if BY_NAME[name].in_spec else self, name)

    def with_values(self, **values: Any) -> RunSettings:
        spec_values = {k: v for k, v in values.items() if BY_NAME[k].in_spec}
        own = {k: v for k, v in values.items() if not BY_NAME[k].in_spec}
        return replace(self, spec=replace(self.spec, **spec_values), **own)

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> RunSettings:
        """Settings from ``{name: value}``; missing names take the default."""
        return cls().with_values(**{s.name: values.get(s.name, s.default) for s in SETTINGS})

    def values(self) -> dict[str, Any]:
        return {s.name: self.get(s.name) for s in SETTINGS}

    def run_spec(self, capabilities=None) -> RunSpec:
        """The spec to run: settings the mode's backend does not use are
        left at their default, so a run's spec says only what it uses."""
        if capabilities is None:
            from gcdapp.core.backends import registry

            if self.spec.mode not in registry.names():
                return self.spec  # refused with its reason by check_run
            capabilities = registry.get(self.spec.mode).capabilities
        unused = {s.name: s.default for s in SETTINGS
                  if s.in_spec and not s.used_by(capabilities)}
        return replace(self.spec, **unused)


def settings_from_text(texts: dict[str, str | None]) -> RunSettings:
    """Settings written as text (the preferences file): each value is
    checked alone, and a missing, malformed, out-of-range, unknown or
    unavailable one takes its setting's default."""
    values = {}
    for s in SETTINGS:
        text = texts.get(s.name)
        if s.has_auto and text is not None and text.strip() == "0":
            text = AUTO  # how gcdapp 0.1 wrote auto
        try:
            value = s.default if text is None else s.from_text(text)
        except ValueError:
            value = s.default
        if s.kind == "choice" and value is not None:
            offered = [o.value for o in s.all_options() if o.unavailable is None]
            if value not in offered:
                value = s.default
        values[s.name] = value
    return RunSettings.from_values(values)


def check_settings(spec: RunSpec, capabilities=None) -> list[str]:
    """Every reason ``spec``'s values are not acceptable (range and type).

    With ``capabilities`` (of ``spec.mode``'s backend), choices are also
    checked against what that backend offers."""
    problems = []
    for s in SETTINGS:
        if not s.in_spec:
            continue
        value = getattr(spec, s.name)
        reason = s.problem(value)
        if reason is not None:
            problems.append(reason)
        # Modes and kernels are names in registries that give their own
        # "unknown ..." messages; the backend's own choices are checked here.
        elif (capabilities is not None and s.options is not None and value is not None
              and s.name not in ("mode", "kernel") and s.used_by(capabilities)):
            offered = [o.value for o in s.options(capabilities)]
            if value not in offered:
                problems.append(
                    f"{s.title.lower()} {value!r} is not available here; "
                    f"choose one of {', '.join(offered)}"
                )
    return problems


def spec_field_names() -> set[str]:
    return {f.name for f in fields(RunSpec)}
