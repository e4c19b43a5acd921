"""Student-controlled text made safe for the places people read it.

Everything a student controls (their file and folder names, what their code prints, the
messages of the exceptions it raises) can carry terminal escape sequences: ESC/CSI to clear
the screen or paint a fake green score line, OSC to retitle the window or write the
clipboard, a carriage return to overwrite a line, bidi overrides that reorder what is shown.
Every output boundary passes such text through here:

- ``visible``: control characters become their escaped spelling (ESC -> ``\\x1b``), so the
  reader sees that they were there and the terminal never acts on them; newline and tab stay;
- ``terminal``: ``visible`` plus rich markup escaping, for the rich console;
- ``csv_cell``: ``visible`` plus the OWASP rule against spreadsheet formula injection (a cell
  starting with ``= + - @``, tab or carriage return gets a leading ``'``);
- ``fence``: a markdown code fence longer than any backtick run in the text, so student text
  cannot close the fence it is shown in.
"""
from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls (0x80-0x9f: 0x9b is a one-byte CSI),
# zero-width and bidi formatting characters, line/paragraph separators, lone surrogates (a
# file name that is not UTF-8) and the BOM.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069"
                     "\ufeff\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\t\n]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spell(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text, *, keep_lines: bool = True) -> str:
    """``text`` with every control/format character replaced by its escaped spelling
    (newline and tab too unless ``keep_lines``)."""
    shown = _UNSAFE.sub(_spell, str(text))
    return shown if keep_lines else _LINE_BREAKS.sub(_spell, shown)


def terminal(text) -> str:
    """For the rich console: escapes shown, and ``[...]`` not taken as rich markup."""
    from rich.markup import escape

    return escape(visible(text))


def csv_cell(text) -> str:
    """A spreadsheet-safe cell (OWASP CSV injection): no formula, no control characters."""
    raw = str(text)
    if raw.startswith(_FORMULA_START):
        raw = "'" + raw
    return visible(raw, keep_lines=False)


def fence(text: str) -> str:
    """The backtick fence to put around ``text`` in markdown (longer than any run inside)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def markdown_block(text) -> list[str]:
    """``text`` as the lines of a fenced markdown code block, escapes made visible."""
    shown = visible(text)
    marker = fence(shown)
    return [marker, shown, marker]
