"""Finds text shown to people that is not marked for translation, in templates and in Python.

Harbour is read by people who often speak neither English nor French, so a
sentence that skips gettext is a bug, not a style issue. `check_translations`
runs both checkers; each returns a list of `Problem`s and never raises on
ordinary code. They are deliberately simple: a false alarm is fixed by marking
the string, and a missed case is fixed by teaching the checker one more shape.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from django.template.base import Lexer, Token, TokenType


class Problem(NamedTuple):
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: not marked for translation: {self.text}"


# Words that may appear untranslated, in templates and in Python: the product's
# name and the label of a physical key. Anything else belongs in the catalogue. Punctuation,
# digits and symbols ("·", "#", "(", "911") never count, since only letters do.
ALLOWED_WORDS = frozenset({"Harbour", "Esc"})

_ALLOWED_WORD = re.compile(r"\b(?:" + "|".join(sorted(ALLOWED_WORDS)) + r")\b")
# Entities Python's parser does not know stay as "&name;"; they are markup, not prose.
_ENTITY = re.compile(r"&#?\w+;")


def has_prose(text: str) -> bool:
    """True when text still holds letters once allowed words and entities are removed."""
    remainder = _ENTITY.sub("", _ALLOWED_WORD.sub("", text))
    return any(character.isalpha() for character in remainder)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------

# Attributes whose values people read or hear (screen readers announce them).
USER_FACING_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "aria-description"})
# <input type="..."> whose value is the visible label of a button.
_BUTTON_INPUT_TYPES = frozenset({"submit", "button", "reset"})
# Block tags whose body is translated as one message, and the tags that close them.
_TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
# {% comment %} bodies are never rendered.
_SKIPPED_BLOCKS = {**_TRANSLATED_BLOCKS, "comment": "endcomment"}
# Literals a tag or variable prints: {{ value|default:"None" }} and
# {% include "core/form.html" with submit="Save" %}. Marked ones read _("Save").
_PRINTED_FILTER_LITERAL = re.compile(r"\|\s*(?:default|default_if_none|yesno)\s*:\s*(\"[^\"]*\"|'[^']*')")
_ASSIGNED_LITERAL = re.compile(r"\b\w+\s*=\s*(\"[^\"]*\"|'[^']*')")
_ASSIGNING_TAGS = frozenset({"include", "with"})


def _flatten(tokens: list[Token]) -> str:
    """The template's HTML with every tag, variable, comment and translated block blanked out.

    Each blanked token keeps its newlines, so a line in the result is the same
    line in the template. Blanks are spaces, which no check mistakes for prose
    and which keep `<a href="{% url 'x' %}">` a well-formed tag for the parser.
    """
    pieces: list[str] = []
    closing: str | None = None  # the end tag of the skipped block we are in, if any
    for token in tokens:
        if token.token_type == TokenType.BLOCK:
            name = _tag_name(token)
            if closing is None and name in _SKIPPED_BLOCKS:
                closing = _SKIPPED_BLOCKS[name]
            elif name == closing:
                closing = None
        if token.token_type == TokenType.TEXT and closing is None:
            pieces.append(token.contents)
        else:
            # The lexer drops the delimiters, so count newlines in what it kept.
            pieces.append(" " + "\n" * token.contents.count("\n"))
    return "".join(pieces)


def _tag_name(token: Token) -> str:
    words = token.contents.split()
    return words[0] if words else ""


def _literal_problems(tokens: list[Token], path: str) -> Iterator[Problem]:
    for token in tokens:
        found: list[re.Match[str]] = []
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            found += _PRINTED_FILTER_LITERAL.finditer(token.contents)
        if token.token_type == TokenType.BLOCK and _tag_name(token) in _ASSIGNING_TAGS:
            found += _ASSIGNED_LITERAL.finditer(token.contents)
        for match in found:
            if has_prose(match.group(1)):
                yield Problem(path, token.lineno or 1, match.group(0).lstrip("| "))


class _ProseFinder(HTMLParser):
    """Collects text and user-facing attribute values that contain letters."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems: list[Problem] = []
        self._raw_element: str | None = None  # inside <script> or <style>

    def _report(self, line: int, text: str, shown_as: str = "{}") -> None:
        if has_prose(text):
            self.problems.append(Problem(self.path, line, shown_as.format(_shorten(text))))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw_element = tag
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if value and name in USER_FACING_ATTRIBUTES:
                self._report(line, value, name + '="{}"')
        if tag == "input" and (values.get("type") or "").lower() in _BUTTON_INPUT_TYPES:
            self._report(line, values.get("value") or "", 'value="{}"')
        if tag == "meta" and (values.get("name") or "").lower() == "description":
            self._report(line, values.get("content") or "", 'content="{}"')

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == self._raw_element:
            self._raw_element = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw_element:
            self._raw_element = None

    def handle_data(self, data: str) -> None:
        if self._raw_element is None and data.strip():
            leading_newlines = data[: len(data) - len(data.lstrip())].count("\n")
            self._report(self.getpos()[0] + leading_newlines, data)


def template_problems(source: str, path: str = "<template>") -> list[Problem]:
    """Untranslated prose in one Django template's source."""
    tokens = Lexer(source).tokenize()
    finder = _ProseFinder(path)
    finder.feed(_flatten(tokens))
    finder.close()
    return sorted(finder.problems + list(_literal_problems(tokens, path)))


def template_files(base_dir: Path) -> Iterator[Path]:
    yield from sorted(base_dir.glob("harbour/*/templates/**/*.html"))


def check_templates(base_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    for path in template_files(base_dir):
        problems += template_problems(path.read_text(encoding="utf-8"), str(path.relative_to(base_dir)))
    return problems


# ---------------------------------------------------------------------------
# Python
# ---------------------------------------------------------------------------

# Calls that mark their first argument for translation; also their usual aliases.
TRANSLATION_FUNCTIONS = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
)
# messages.<level>(request, message): the message is the second argument.
_MESSAGE_LEVELS = frozenset({"debug", "info", "success", "warning", "error"})
# Exceptions whose message Harbour shows to the person who caused them.
USER_FACING_EXCEPTIONS = frozenset({"ValidationError", "ActionRefused"})
# Keyword arguments that end up on a page, whatever the call.
TEXT_KEYWORDS = frozenset({"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"})
# Keys of a render() context that core/form.html and core/error.html print as they are.
CONTEXT_TEXT_KEYS = frozenset({"title", "message", "submit", "intro"})
# Class attributes that Django shows: on Meta, AppConfig and forms.
_CLASS_TEXT_ATTRIBUTES = frozenset({"verbose_name", "verbose_name_plural"})
_META_TEXT_DICTS = frozenset({"labels", "help_texts"})
# Model fields whose first argument is the related model, not a verbose name.
_RELATION_FIELDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def _unmarked_text(node: ast.expr | None) -> str | None:
    """The text of an expression that builds prose without gettext, or None if it is fine.

    A call to a translation function is fine; so is anything that is not a
    literal (a variable was checked where it was assigned, or is data).
    """
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) and has_prose(node.value) else None
    if isinstance(node, ast.JoinedStr):
        # An f-string cannot be translated: its pieces are glued after lookup.
        literal = "".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
        return ast.unparse(node) if has_prose(literal) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _unmarked_text(node.left)  # "... %s" % value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _unmarked_text(node.left) or _unmarked_text(node.right)
    if isinstance(node, ast.IfExp):
        return _unmarked_text(node.body) or _unmarked_text(node.orelse)
    if isinstance(node, ast.Call):
        name = _called_name(node)
        if name in TRANSLATION_FUNCTIONS:
            return None
        # "...".format(value) and format_html("...", value) put their template on the page.
        if name == "format" and isinstance(node.func, ast.Attribute):
            return _unmarked_text(node.func.value)
        if name == "format_html" and node.args:
            return _unmarked_text(node.args[0])
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((kw.value for kw in call.keywords if kw.arg == keyword), None)


def _dict_values(node: ast.expr | None, keys: frozenset[str] | None = None) -> Iterator[ast.expr]:
    """Values of a dict literal, only those under the given string keys if keys is set."""
    if not isinstance(node, ast.Dict):
        return
    for key, value in zip(node.keys, node.values, strict=True):
        if keys is None or (isinstance(key, ast.Constant) and key.value in keys):
            yield value


def _choice_labels(node: ast.expr | None) -> Iterator[ast.expr]:
    """Labels of a literal choices list: [("value", "Label"), ...]."""
    if isinstance(node, ast.List | ast.Tuple):
        for pair in node.elts:
            if isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
                yield pair.elts[1]


class _UnmarkedFinder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def _check(self, nodes: Iterable[ast.expr | None]) -> None:
        for node in nodes:
            text = _unmarked_text(node)
            if node is not None and text is not None:
                self.problems.append(Problem(self.path, node.lineno, _shorten(text)))

    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node)
        on_messages = isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "messages"
        if on_messages and name in _MESSAGE_LEVELS:
            self._check([_argument(node, 1, "message")])
        elif on_messages and name == "add_message":
            self._check([_argument(node, 2, "message")])
        elif name in USER_FACING_EXCEPTIONS:
            self._check([_argument(node, 0, "message")])
        elif name == "add_error":
            self._check([_argument(node, 1, "error")])
        elif name == "render":
            self._check(_dict_values(_argument(node, 2, "context"), CONTEXT_TEXT_KEYS))
        elif name.endswith("Field") and name not in _RELATION_FIELDS and node.args:
            self._check([node.args[0]])  # a model field's first argument is its verbose name
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS:
                self._check([keyword.value])
            elif keyword.arg == "choices":
                self._check(_choice_labels(keyword.value))
            elif keyword.arg == "attrs":  # widget attributes, as in templates
                self._check(_dict_values(keyword.value, USER_FACING_ATTRIBUTES))
            elif keyword.arg == "error_messages":
                self._check(_dict_values(keyword.value))
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        is_choices = any(ast.unparse(base).endswith("Choices") for base in node.bases)
        for statement in node.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
                continue
            target = statement.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if is_choices and target.id == "__empty__":  # the label of the blank choice
                self._check([statement.value])
            elif is_choices and not target.id.startswith("_"):
                self._check_choice(target.id, statement.value)
            elif target.id in _CLASS_TEXT_ATTRIBUTES:
                self._check([statement.value])
            elif node.name == "Meta" and target.id in _META_TEXT_DICTS:
                self._check(_dict_values(statement.value))
        self.generic_visit(node)

    def _check_choice(self, member: str, value: ast.expr) -> None:
        # NAME = "value", _("Label"): the last item is the label people see.
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
            self._check([value.elts[-1]])
        elif isinstance(value, ast.Constant):
            # Without a label Django derives one from the member's name, in English.
            self.problems.append(Problem(self.path, value.lineno, f"{member}: choice without a translated label"))


def python_problems(source: str, path: str = "<python>") -> list[Problem]:
    """Untranslated user-facing strings in one Python module's source."""
    finder = _UnmarkedFinder(path)
    finder.visit(ast.parse(source, filename=path))
    return sorted(finder.problems)


def python_files(base_dir: Path) -> Iterator[Path]:
    """Harbour's modules, without migrations (frozen history) and tests (never shown to people)."""
    for path in sorted((base_dir / "harbour").rglob("*.py")):
        parts = path.relative_to(base_dir).parts
        if "migrations" not in parts and "tests" not in parts:
            yield path


def check_python(base_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    for path in python_files(base_dir):
        problems += python_problems(path.read_text(encoding="utf-8"), str(path.relative_to(base_dir)))
    return problems
