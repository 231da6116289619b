import unittest

from tests.util import CODEGEN  # noqa: F401  (sets sys.path)
from cqlkit_gen import lexer as L


def lex(text):
    errors = []
    toks, comments = L.tokenize(text, errors.append)
    return toks, comments, errors


class LexerTest(unittest.TestCase):
    def kinds(self, text):
        return [(t.kind, t.value) for t in lex(text)[0][:-1]]

    def test_unquoted_identifiers_fold_to_lower_case(self):
        self.assertEqual(self.kinds("SeLeCt Users"), [("ident", "select"), ("ident", "users")])

    def test_quoted_identifier_keeps_case_and_unescapes(self):
        self.assertEqual(self.kinds('"My""Col"'), [("qident", 'My"Col')])

    def test_string_escape(self):
        self.assertEqual(self.kinds("'it''s'"), [("string", "it's")])

    def test_dollar_string_has_no_escapes(self):
        self.assertEqual(self.kinds("$$ a 'b'; c $$"), [("string", " a 'b'; c ")])

    def test_comments_are_kept_aside(self):
        toks, comments, errors = lex("a -- one\nb // two\n/* three\n */ c")
        self.assertEqual([t.value for t in toks[:-1]], ["a", "b", "c"])
        self.assertEqual([c.text for c in comments], ["-- one", "// two", "/* three\n */"])
        self.assertEqual(errors, [])

    def test_numbers(self):
        self.assertEqual(self.kinds("1 -2 3.5 1e3 -4.5E-2"),
                         [("integer", "1"), ("integer", "-2"), ("float", "3.5"),
                          ("float", "1e3"), ("float", "-4.5E-2")])

    def test_uuid_hex_duration(self):
        self.assertEqual(self.kinds("123e4567-e89b-12d3-a456-426614174000 0xCAFE 1h30m P1D"),
                         [("uuid", "123e4567-e89b-12d3-a456-426614174000"),
                          ("hex", "0xcafe"), ("duration", "1h30m"), ("duration", "P1D")])

    def test_operators(self):
        self.assertEqual([v for _k, v in self.kinds("<= >= != < > = ( ) [ ] { } , ; . ? : + -")],
                         ["<=", ">=", "!=", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",",
                          ";", ".", "?", ":", "+", "-"])

    def test_offsets(self):
        toks = lex("ab  cd")[0]
        self.assertEqual([(t.start, t.end) for t in toks], [(0, 2), (4, 6), (6, 6)])

    def test_unterminated_string(self):
        _t, _c, errors = lex("x 'abc")
        self.assertEqual([(e.offset, e.message) for e in errors],
                         [(2, "unterminated string literal")])

    def test_unterminated_comment(self):
        _t, _c, errors = lex("x /* abc")
        self.assertEqual(errors[0].message, "unterminated comment")

    def test_unexpected_character_recovers(self):
        toks, _c, errors = lex("a # b")
        self.assertEqual([t.value for t in toks[:-1]], ["a", "b"])
        self.assertEqual(errors[0].message, "unexpected character '#'")

    def test_ends_with_eof(self):
        self.assertEqual(lex("")[0][-1].kind, L.EOF)


if __name__ == "__main__":
    unittest.main()
