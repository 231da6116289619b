"""CQL lexical analysis, following Cassandra's lexer (Lexer.g).

Unquoted identifiers fold to lower case; quoted ones keep their case with
"" standing for one quote. Strings are '...' with '' for one quote, or
$$...$$ with no escapes. Comments (--, // and /* */) are kept aside so the
query parser can read `-- name:` annotations from them."""

import re

from .diagnostics import CqlError

# Token kinds.
IDENT = "ident"      # unquoted identifier or keyword; value is lower-cased
QIDENT = "qident"    # "quoted identifier"; value keeps its case
STRING = "string"    # value is the unescaped text
INTEGER = "integer"
FLOAT = "float"
UUID = "uuid"
HEX = "hex"          # 0x... blob literal
DURATION = "duration"
OP = "op"            # punctuation; value is the text
EOF = "eof"

_UNITS = r"(?:y|mo|w|d|h|ms|m|s|us|\u00b5s|ns)"
_ISO = (r"-?P(?=\d|T\d)(?:(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?"
        r"|\d+W|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")

_MASTER = re.compile(r"""
  (?P<ws>\s+)
| (?P<lcomment>(?:--|//)[^\n]*)
| (?P<bcomment>/\*.*?\*/)
| (?P<bcomment_open>/\*)
| (?P<string>'(?:[^']|'')*')
| (?P<string_open>')
| (?P<dollar>\$\$.*?\$\$)
| (?P<dollar_open>\$\$)
| (?P<qident>"(?:[^"]|"")*")
| (?P<qident_open>")
| (?P<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![0-9A-Za-z_])
| (?P<hex>0[xX][0-9a-fA-F]*)(?![0-9A-Za-z_])
| (?P<duration>-?(?:\d+""" + _UNITS + r""")+)(?![0-9A-Za-z_])
| (?P<float>-?\d+(?:\.\d*(?:[eE][+-]?\d+)?|[eE][+-]?\d+))(?![0-9A-Za-z_])
| (?P<integer>-?\d+)(?![0-9A-Za-z_.])
| (?P<iso>""" + _ISO + r""")(?![0-9A-Za-z_])
| (?P<ident>[A-Za-z][A-Za-z0-9_]*)
| (?P<op><=|>=|!=|\.\.|[-+*/%(),;.=<>\[\]{}:?&|])
""", re.VERBOSE | re.DOTALL | re.IGNORECASE)


class Token:
    __slots__ = ("kind", "value", "text", "start", "end")

    def __init__(self, kind, value, text, start, end):
        self.kind = kind
        self.value = value
        self.text = text
        self.start = start
        self.end = end

    def is_kw(self, *words):
        return self.kind == IDENT and self.value in words

    def is_op(self, *ops):
        return self.kind == OP and self.value in ops

    def describe(self):
        if self.kind == EOF:
            return "end of input"
        return "'%s'" % self.text

    def __repr__(self):
        return "Token(%s, %r, %d)" % (self.kind, self.value, self.start)


class Comment:
    __slots__ = ("text", "start", "end")

    def __init__(self, text, start, end):
        self.text = text
        self.start = start
        self.end = end


def tokenize(text, on_error):
    """Returns (tokens, comments). Lexical errors are passed to
    `on_error(CqlError)` and the lexer resynchronises, so one bad character
    does not hide later problems. The token list always ends with EOF."""
    tokens = []
    comments = []
    pos = 0
    n = len(text)
    match = _MASTER.match
    append = tokens.append
    while pos < n:
        m = match(text, pos)
        if m is None:
            ch = text[pos]
            on_error(CqlError(pos, "unexpected character %r" % ch))
            pos += 1
            continue
        kind = m.lastgroup
        start, end = m.start(), m.end()
        s = m.group()
        if kind == "ws":
            pass
        elif kind == "ident":
            append(Token(IDENT, s.lower(), s, start, end))
        elif kind == "op":
            append(Token(OP, s, s, start, end))
        elif kind == "integer":
            append(Token(INTEGER, s, s, start, end))
        elif kind == "lcomment" or kind == "bcomment":
            comments.append(Comment(s, start, end))
        elif kind == "string":
            append(Token(STRING, s[1:-1].replace("''", "'"), s, start, end))
        elif kind == "qident":
            value = s[1:-1].replace('""', '"')
            if value == "":
                on_error(CqlError(start, "empty quoted identifier", len(s)))
            append(Token(QIDENT, value, s, start, end))
        elif kind == "dollar":
            append(Token(STRING, s[2:-2], s, start, end))
        elif kind == "float":
            append(Token(FLOAT, s, s, start, end))
        elif kind == "uuid":
            append(Token(UUID, s.lower(), s, start, end))
        elif kind == "hex":
            append(Token(HEX, s.lower(), s, start, end))
        elif kind == "duration" or kind == "iso":
            append(Token(DURATION, s, s, start, end))
        elif kind == "bcomment_open":
            on_error(CqlError(start, "unterminated comment", 2))
            end = n
        elif kind == "string_open":
            on_error(CqlError(start, "unterminated string literal"))
            end = n
        elif kind == "dollar_open":
            on_error(CqlError(start, "unterminated $$ string literal", 2))
            end = n
        elif kind == "qident_open":
            on_error(CqlError(start, "unterminated quoted identifier"))
            end = n
        pos = end
    tokens.append(Token(EOF, "", "", n, n))
    return tokens, comments
