"""``parse_model``: build a model from an expression string, without ``eval``.

Grammar (a recursive-descent parser over a token list)::

    expr   := term (('+' | '-') term)*
    term   := unary (('*' | '/') unary)*
    unary  := ('+' | '-') unary | atom
    atom   := NUMBER | NAME | NAME '(' expr ')' | '(' expr ')' | TABLE '{' PATH '}'

NAME is a registered component (``bayspec.model.library``); ``NAME(expr)`` applies a
convolution component. ``atable{path}``, ``mtable{path}`` and ``etable{path}`` read an OGIP
table model (additive, multiplicative, exponential; `bayspec.model.table.table_model`), as
in XSPEC; the path runs to the closing brace. Each occurrence of a name is a new component instance (``cpl + cpl``
gives ``cpl`` and ``cpl_2``).
"""

from __future__ import annotations

import re

from ..errors import ModelError
from . import library
from .base import Model
from .component import Convolution

__all__ = ["parse_model"]

_TABLES = {"atable": "additive", "mtable": "multiplicative", "etable": "exponential"}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()])|(?P<path>\{[^}]*\}))"
)


def _tokenize(text: str) -> list:
    toks, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ModelError(f"unexpected character {text[pos:].lstrip()[:1]!r} at position {pos} in {text!r}")
        kind = m.lastgroup
        toks.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return toks


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None, len(self.text))

    def _take(self):
        tok = self._peek()
        self.i += 1
        return tok

    def _fail(self, what, tok):
        found = "end of expression" if tok[0] is None else repr(tok[1])
        raise ModelError(f"expected {what} at position {tok[2]} in {self.text!r}, found {found}")

    def parse(self):
        if not self.toks:
            raise ModelError("empty model expression")
        node = self.expr()
        if self._peek()[0] is not None:
            self._fail("an operator", self._peek())
        if not isinstance(node, Model):
            raise ModelError(f"{self.text!r} has no model component")
        if node.kind == "convolution":
            raise ModelError(f"{self.text!r}: a convolution must be applied to a model, e.g. zshift(cpl)")
        return node

    def expr(self):
        node = self.term()
        while self._peek()[1] in ("+", "-") and self._peek()[0] == "op":
            op = self._take()[1]
            rhs = self.term()
            node = _apply(op, node, rhs)
        return node

    def term(self):
        node = self.unary()
        while self._peek()[1] in ("*", "/") and self._peek()[0] == "op":
            op = self._take()[1]
            rhs = self.unary()
            node = _apply(op, node, rhs)
        return node

    def unary(self):
        tok = self._peek()
        if tok[0] == "op" and tok[1] in ("+", "-"):
            self._take()
            node = self.unary()
            if tok[1] == "+":
                return node
            return -node
        return self.atom()

    def atom(self):
        tok = self._take()
        kind, val = tok[0], tok[1]
        if kind == "num":
            return float(val)
        if kind == "op" and val == "(":
            node = self.expr()
            if self._take()[1] != ")":
                self.i -= 1
                self._fail("')'", self._peek())
            return node
        if kind == "name" and val in _TABLES:
            ptok = self._take()
            if ptok[0] != "path" or not ptok[1][1:-1].strip():
                self.i -= 1
                self._fail(f"{{path}} after {val}", self._peek())
            from .table import table_model
            return table_model(ptok[1][1:-1].strip(), kind=_TABLES[val])
        if kind == "name":
            cls = library.get(val)
            if self._peek()[1] == "(":
                if not issubclass(cls, Convolution):
                    raise ModelError(f"{val} is not a convolution and cannot be applied to a model")
                self._take()
                inner = self.expr()
                if self._take()[1] != ")":
                    self.i -= 1
                    self._fail("')'", self._peek())
                if not isinstance(inner, Model):
                    raise ModelError(f"{val}(...) needs a model, not a number")
                return cls()(inner)
            if issubclass(cls, Convolution):
                raise ModelError(f"{val} is a convolution: write {val}(model)")
            return cls()
        self._fail("a component name, number or '('", tok)


def _apply(op, a, b):
    if not isinstance(a, Model) and not isinstance(b, Model):
        return {"+": a + b, "-": a - b, "*": a * b}.get(op, a / b if b != 0 else _zero_div())
    from .composite import combine
    return combine(op, a, b)


def _zero_div():
    raise ModelError("division by zero in model expression")


def parse_model(text: str) -> Model:
    """Build a model from ``text``, e.g. ``"band + bb"``, ``"2 * cutoff * cpl"``,
    ``"zshift(cpl + bb)"``.

    Raises
    ------
    ModelError
        On syntax errors (with the position) and unknown names (listing the known ones).
    """
    if not isinstance(text, str):
        raise ModelError(f"model expression must be a string, got {type(text).__name__}")
    return _Parser(text).parse()
