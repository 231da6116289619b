"""Diagnostics in the form compilers print: file:line:col: error: message.

Every user-facing problem goes through a Diagnostics sink so one run can
report several errors. A CqlError aborts the current statement only; the
caller records it and moves on to the next statement."""

import bisect
import difflib


class Source:
    """One input file: its display name (as given on the command line) and
    text. Offsets are indexes into `text` (characters, not bytes)."""

    def __init__(self, name, text):
        self.name = name
        self.text = text
        self._starts = None

    def _line_starts(self):
        if self._starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        return self._starts

    def line_col(self, offset):
        """1-based line and column of `offset`."""
        starts = self._line_starts()
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_text(self, line):
        starts = self._line_starts()
        begin = starts[line - 1]
        end = self.text.find("\n", begin)
        if end < 0:
            end = len(self.text)
        return self.text[begin:end].rstrip("\r")


class Diagnostic:
    def __init__(self, source, offset, message, severity="error", length=1):
        self.source = source
        self.offset = offset
        self.message = message
        self.severity = severity
        self.length = max(1, length)
        self.notes = []

    def note(self, source, offset, message, length=1):
        self.notes.append(Diagnostic(source, offset, message, "note", length))
        return self

    def location(self):
        line, col = self.source.line_col(self.offset)
        return "%s:%d:%d" % (self.source.name, line, col)

    def render(self):
        out = []
        if self.source is None:
            out.append("cqlkit-gen: %s: %s" % (self.severity, self.message))
        else:
            line, col = self.source.line_col(self.offset)
            out.append("%s:%d:%d: %s: %s" % (self.source.name, line, col,
                                            self.severity, self.message))
            text = self.source.line_text(line)
            out.append(text)
            # Keep tabs so the caret lines up however the terminal shows them.
            prefix = "".join("\t" if ch == "\t" else " " for ch in text[:col - 1])
            span = max(1, min(self.length, len(text) - (col - 1)))
            out.append(prefix + "^" + "~" * (span - 1))
        for n in self.notes:
            out.append(n.render())
        return "\n".join(out)


class CqlError(Exception):
    """A user error at a place in the input; aborts the statement at hand."""

    def __init__(self, offset, message, length=1, source=None):
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.length = length
        self.source = source
        self.notes = []

    def note(self, source, offset, message, length=1):
        self.notes.append((source, offset, message, length))
        return self


class Diagnostics:
    def __init__(self):
        self.items = []

    def error(self, source, offset, message, length=1):
        d = Diagnostic(source, offset, message, "error", length)
        self.items.append(d)
        return d

    def warning(self, source, offset, message, length=1):
        d = Diagnostic(source, offset, message, "warning", length)
        self.items.append(d)
        return d

    def from_exc(self, source, exc):
        d = self.error(exc.source or source, exc.offset, exc.message, exc.length)
        for (src, off, msg, length) in exc.notes:
            d.note(src or source, off, msg, length)
        return d

    def global_error(self, message):
        d = Diagnostic(None, 0, message)
        self.items.append(d)
        return d

    @property
    def error_count(self):
        return sum(1 for d in self.items if d.severity == "error")

    def render(self):
        return "".join(d.render() + "\n" for d in self.items)


def did_you_mean(name, candidates):
    """' (did you mean 'x'?)' for the closest candidate, or ''."""
    cands = sorted(set(c for c in candidates if c != name))
    best = difflib.get_close_matches(name, cands, n=1, cutoff=0.6)
    if not best:
        # Case-only differences matter for quoted identifiers.
        lower = [c for c in cands if c.lower() == name.lower()]
        best = lower[:1]
    return " (did you mean '%s'?)" % best[0] if best else ""
