"""The C side of the IR: names and kinds of the C types the templates emit.

Works on the JSON form of the IR (ir.program_to_json), so the back-end
never needs the parser. Decides, per keyspace:
- which compound C types exist (one per distinct list/set/map/tuple/vector
  shape, one per UDT), named after the CQL type (`list<int>` -> app_list_int)
  and ordered so that a struct is defined before any struct holding it by
  value;
- for every type reference a `TypeRef(kind, cname)`: kind is the native CQL
  type name (the templates map it to a C type) or 'compound' with the C
  name of the generated type.

It holds no C text: the shapes live in codegen/templates/*.m4."""

import re

# Natives by the name the templates know them under. varchar is text;
# custom types travel as opaque bytes.
NATIVE_KINDS = (
    "ascii", "bigint", "blob", "boolean", "counter", "date", "decimal",
    "double", "duration", "float", "inet", "int", "smallint", "text", "time",
    "timestamp", "timeuuid", "tinyint", "uuid", "varint",
)

# C keywords and names the generated code itself declares inside structs.
C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "_Bool", "_Complex",
    "_Imaginary", "_Alignas", "_Alignof", "_Atomic", "_Generic",
    "_Noreturn", "_Static_assert", "_Thread_local", "bool", "true", "false",
}

# Words the m4 templates define (CG_*) or m4 itself (m4_* under -P): a
# name equal to one would be expanded as a macro in the output.
_RESERVED = re.compile(r"^(CG_|m4_)")


class GenError(Exception):
    """A problem that stops generation; the message is shown as is."""


class TypeRef:
    __slots__ = ("kind", "cname", "cql")

    def __init__(self, kind, cname, cql):
        self.kind = kind      # a NATIVE_KINDS name or 'compound'
        self.cname = cname    # C type name of a compound, '' for natives
        self.cql = cql        # the CQL spelling, for comments


class Compound:
    """One generated C type: list, set, map, tuple, vector or udt."""

    def __init__(self, form, cname, cql, children, **extra):
        self.form = form          # list, set, map, tuple, vector, udt
        self.cname = cname
        self.cql = cql
        self.children = children  # [TypeRef] (udt: field types in order)
        self.extra = extra        # udt: keyspace, name, fields; vector: dimension


def c_ident(name):
    """A C identifier for a CQL name (the front-end's rule, for prefixes)."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not s or s[0].isdigit():
        s = "_" + s
    if s in C_KEYWORDS:
        s += "_"
    return s


def check_word(word, what):
    if _RESERVED.match(word):
        raise GenError("%s '%s' starts with a prefix reserved by the generator "
                       "(CG_ or m4_); rename it" % (what, word))
    return word


def _cql(t):
    """CQL spelling of a JSON type (frozen markers dropped: the C type is
    the same)."""
    k = t["kind"]
    if k in ("list", "set"):
        return "%s<%s>" % (k, _cql(t["element"]))
    if k == "map":
        return "map<%s, %s>" % (_cql(t["key"]), _cql(t["value"]))
    if k == "tuple":
        return "tuple<%s>" % ", ".join(_cql(e) for e in t["elements"])
    if k == "vector":
        return "vector<%s, %d>" % (_cql(t["element"]), t["dimension"])
    if k == "udt":
        return t["name"]
    if k == "custom":
        return "'%s'" % t["class"]
    return k


def _mangle(t):
    k = t["kind"]
    if k in ("list", "set"):
        return "%s_%s" % (k, _mangle(t["element"]))
    if k == "map":
        return "map_%s_%s" % (_mangle(t["key"]), _mangle(t["value"]))
    if k == "tuple":
        return "tuple_" + "_".join(_mangle(e) for e in t["elements"])
    if k == "vector":
        return "vector_%s_%d" % (_mangle(t["element"]), t["dimension"])
    if k == "udt":
        return c_ident(t["name"])
    if k == "custom":
        return "blob"
    return k


class KeyspaceModel:
    """Compound types of one keyspace, in definition order."""

    def __init__(self, ks_json):
        self.name = ks_json["name"]
        self.prefix = check_word(c_ident(self.name), "keyspace")
        self.udt_fields = {u["name"]: u["fields"] for u in ks_json["types"]}
        self.compounds = []        # definition order (children first)
        self._by_cql = {}          # cql spelling -> Compound
        self._names = {self.prefix + "_keyspace": "keyspace",
                       self.prefix + "_register_udts": "keyspace"}  # cname -> owner
        self.natives = set()       # native kinds used inside compounds
        for u in ks_json["types"]:
            self.ref({"kind": "udt", "name": u["name"], "keyspace": self.name,
                      "frozen": False})

    # Names derived from a compound's C name (functions, iterator type).
    DERIVED = ("", "_decode", "_write", "_copy_size", "_copy_into", "_iter",
               "_iter_init", "_next", "_iter_status")

    def _claim(self, base, cql):
        name = base
        n = 2
        while any(name + s in self._names for s in self.DERIVED):
            name = "%s_%d" % (base, n)
            n += 1
        for s in self.DERIVED:
            self._names[name + s] = cql
        return name

    def ref(self, t, inside=False):
        """The TypeRef of JSON type `t`, creating compounds as needed.
        `inside`: the type is an element or field (descriptors needed)."""
        k = t["kind"]
        if k == "custom":
            k = "blob"
        if k in NATIVE_KINDS:
            if inside:
                self.natives.add(k)
            return TypeRef(k, "", _cql(t))
        cql = _cql(t)
        if k == "udt" and t.get("keyspace", self.name) != self.name:
            raise GenError("type %s.%s belongs to another keyspace"
                           % (t.get("keyspace"), t["name"]))
        comp = self._by_cql.get(cql)
        if comp is None:
            comp = self._make(t, k, cql)
        return TypeRef("compound", comp.cname, cql)

    def _make(self, t, k, cql):
        if k in ("list", "set"):
            children = [self.ref(t["element"], True)]
            extra = {}
        elif k == "map":
            children = [self.ref(t["key"], True), self.ref(t["value"], True)]
            extra = {}
        elif k == "tuple":
            children = [self.ref(e, True) for e in t["elements"]]
            extra = {}
        elif k == "vector":
            children = [self.ref(t["element"], True)]
            extra = {"dimension": int(t["dimension"])}
        elif k == "udt":
            fields = self.udt_fields.get(t["name"])
            if fields is None:
                raise GenError("unknown type %s" % t["name"])
            children = [self.ref(f["type"], True) for f in fields]
            names = []
            seen = set()
            for f in fields:
                fid = check_word(c_ident(f["name"]), "field")
                while fid in seen:
                    fid += "_"
                seen.add(fid)
                names.append((fid, f["name"]))
            extra = {"keyspace": self.name, "name": t["name"], "fields": names}
        else:
            raise GenError("unsupported type kind '%s'" % k)
        cname = self._claim(self.prefix + "_" + _mangle(t), cql)
        comp = Compound(k, cname, cql, children, **extra)
        self._by_cql[cql] = comp
        self.compounds.append(comp)   # after its children: post-order
        return comp

    def claim_name(self, cname, what):
        """Reserves a C name for a query-level declaration."""
        if cname in self._names:
            raise GenError("generated name %s for %s collides with the type %s"
                           % (cname, what, self._names[cname]))
        self._names[cname] = what
        return cname
