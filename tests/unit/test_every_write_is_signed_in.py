"""Every way a tab can act before app.py checks its session goes through ``ui.session.signed_in``: a widget's
callback (it runs before the script) and the body of a dialog (a click in it reruns the dialog alone). Found by
reading the source, so a callback or dialog added tomorrow without it fails here, naming itself.

A callback that only changes what this tab shows (which dialog is open, a table's page, a price picked into the
entry) touches no database and needs no session: those are listed below, each with why. Anything else, even a
callback that only reads (a preview, an amount checked), is wrapped: a tab whose session ended is signed out, and
says why, before it reads or writes anything. A button read in a page's script body (``if st.button(...)``) needs
nothing: app.py has checked the session before the page runs."""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.db import PROJECT_ROOT

GUARD = "signed_in"
CALLBACK = re.compile(r"^on_(click|change|select|dismiss|\w+_change)$")  # on_typed_change: a component's event
SOURCES = sorted([PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "ui").glob("*.py")])

# callbacks that change only what this tab shows: session state alone, no database, nothing to refuse
SHOWS_ONLY = {
    "open": "ui.dialogs.Dialogs.open: which dialog this tab shows, its fields emptied",
    "close": "ui.dialogs.Dialogs.close (a dialog dismissed): no dialog shown",
    "_open": "ui.kill_switch: which kill-switch confirmation this tab shows",
    "_close": "ui.kill_switch: the confirmation dismissed",
    "close_preview": "Create Liquidity: the preview dismissed",
    "back_to_form": "ui.funding_dialog: Back from a confirmation to the form",
    "drop_pending": "ui.order_confirmation: Back (or dismissing) drops the order waiting for its confirmation",
    "dismiss_refusals": "ui.account_panel: the refusals of the last cancel, dismissed",
    "_turn": "ui.trading_account_view: a table's page number",
    "first_page": "ui.paging: a paged table back on its first page once its filter changed",
    "quantity_typed": "Cash Market: notes that the quantity was typed (how its shortfall is said)",
    "on_book_select": "Cash Market: a price clicked in the book, put into the order entry",
    "_note": "ui.clicks: notes what a clicked button showed; the page's run, behind app.py's check, acts on it",
}


@dataclass(frozen=True)
class Found:
    where: str  # file:line
    what: str  # the callback or dialog as written

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True)
class Module:
    path: Path
    tree: ast.Module

    @property
    def name(self) -> str:
        return str(self.path.relative_to(PROJECT_ROOT))


MODULES = [Module(p, ast.parse(p.read_text(), str(p))) for p in SOURCES]


def functions(name: str, module: Module | None = None) -> list[ast.FunctionDef]:
    """The functions (or methods) of that name: ``module``'s own if it has any, else every one in the sources."""
    local = [] if module is None else [n for n in ast.walk(module.tree) if isinstance(n, ast.FunctionDef)]
    return [n for n in local if n.name == name] or [
        n for m in MODULES for n in ast.walk(m.tree) if isinstance(n, ast.FunctionDef) and n.name == name
    ]


def aliases(module: Module) -> dict[str, str]:
    """``open_dialog, close_dialog = dialogs.open, dialogs.close``: the name each alias stands for."""
    found = {}
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = (
            zip(target.elts, value.elts, strict=False)
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
            else [(target, value)]
        )
        for alias, meant in pairs:
            if isinstance(alias, ast.Name) and isinstance(meant, ast.Attribute | ast.Name):
                found[alias.id] = meant.attr if isinstance(meant, ast.Attribute) else meant.id
    return found


def is_guard(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == GUARD) or (isinstance(node, ast.Attribute) and node.attr == GUARD)


def guarded(function: ast.FunctionDef) -> bool:
    return any(is_guard(d) for d in function.decorator_list)


def enclosing(module: Module, node: ast.AST) -> ast.FunctionDef | None:
    """The innermost function whose body holds ``node``."""
    holders = [f for f in ast.walk(module.tree) if isinstance(f, ast.FunctionDef) and node in ast.walk(f)]
    return max(holders, key=lambda f: f.lineno, default=None)


def given_for(function: ast.FunctionDef, parameter: str) -> Iterator[tuple[Module, ast.expr]]:
    """What every call of ``function`` passes as its ``parameter`` (a callback handed on to a widget)."""
    names = [a.arg for a in function.args.args]
    index = names.index(parameter)
    for module in MODULES:
        for call in ast.walk(module.tree):
            if not isinstance(call, ast.Call):
                continue
            called = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if called != function.name:
                continue
            offset = 1 if names[:1] == ["self"] else 0
            if len(call.args) > index - offset >= 0:
                yield module, call.args[index - offset]
            yield from ((module, k.value) for k in call.keywords if k.arg == parameter)


def unguarded(module: Module, node: ast.expr, at: ast.AST, depth: int = 0) -> Iterator[str]:
    """Why the callback ``node`` (an argument of a widget, in ``module``) may act for an ended session, if it may."""
    if isinstance(node, ast.Constant):  # "ignore", "rerun": no callback
        return
    if isinstance(node, ast.Call):
        if is_guard(node.func):
            return
        if getattr(node.func, "id", None) == "partial" and node.args:
            yield from unguarded(module, node.args[0], at, depth)
            return
        yield ast.unparse(node)
        return
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = aliases(module).get(node.id, node.id)
        outer = enclosing(module, at)
        if outer is not None and name in [a.arg for a in outer.args.args] and depth < 3:
            # a callback handed on: judge what every caller hands
            for caller, given in given_for(outer, name):
                yield from unguarded(caller, given, given, depth + 1)
            return
    else:
        yield ast.unparse(node)
        return
    if name in SHOWS_ONLY:
        return
    defined = functions(name, module)
    if not defined or not all(guarded(f) for f in defined):
        yield ast.unparse(node)


def callbacks() -> Iterator[tuple[Module, ast.keyword, ast.Call]]:
    for module in MODULES:
        for call in ast.walk(module.tree):
            if isinstance(call, ast.Call):
                for keyword in call.keywords:
                    if keyword.arg and CALLBACK.match(keyword.arg):
                        yield module, keyword, call


def is_dialog(node: ast.expr) -> bool:
    """``st.dialog(...)``."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "dialog"


def test_every_widget_callback_goes_through_signed_in_unless_it_only_changes_what_the_tab_shows():
    found = [
        Found(f"{module.name}:{keyword.value.lineno}", f"{keyword.arg}={why}")
        for module, keyword, call in callbacks()
        for why in unguarded(module, keyword.value, call)
    ]

    assert [str(f) for f in found] == [], (
        "wrap these in ui.session.signed_in (or, if they only change what the tab shows, list why)"
    )


def test_every_dialog_body_goes_through_signed_in():
    found = []
    for module in MODULES:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef) and any(is_dialog(d) for d in node.decorator_list):
                if not guarded(node):
                    found.append(Found(f"{module.name}:{node.lineno}", node.name))
            elif isinstance(node, ast.Call) and is_dialog(node.func) and node.args:  # st.dialog(...)(body)
                body = node.args[0]
                if not (isinstance(body, ast.Call) and is_guard(body.func)):
                    found.append(Found(f"{module.name}:{node.lineno}", ast.unparse(body)))

    assert [str(f) for f in found] == []  # decorate each with @signed_in, right under @st.dialog


def test_the_scan_sees_the_writes_it_is_meant_to_guard():
    """Not vacuous: it finds the callbacks and dialogs that write, and each is guarded."""
    written = {ast.unparse(k.value) for _, k, _ in callbacks()}
    dialogs = {n.name for m in MODULES for n in ast.walk(m.tree) if isinstance(n, ast.FunctionDef)
               and any(is_dialog(d) for d in n.decorator_list)}  # fmt: skip

    assert {"withdraw", "cancel_selected", "confirm_pending", "save_form", "_send"} <= written
    assert {"deactivate_dialog", "preview_dialog", "confirm_pause", "reset_dialog"} <= dialogs
    assert all(guarded(f) for f in functions("withdraw") + functions("deactivate_dialog"))


def test_every_callback_listed_as_showing_only_still_exists():
    assert [name for name in SHOWS_ONLY if not functions(name)] == []


def is_fragment(node: ast.expr) -> bool:
    """``@st.fragment``, ``@st.fragment(run_every=…)``, ``@live_fragment(…)``: a body that reruns alone."""
    called = node.func if isinstance(node, ast.Call) else node
    return (isinstance(called, ast.Attribute) and called.attr == "fragment") or (
        isinstance(called, ast.Name) and called.id == "live_fragment"
    )


def test_no_fragment_reads_a_click_in_its_body_unless_signed_in():
    """A fragment reruns alone, as a dialog does: ``if st.button(...)`` in its body would act without app.py's check.
    Its buttons act through callbacks (scanned above), or the fragment is signed_in."""
    found = []
    for module in MODULES:
        for fragment in ast.walk(module.tree):
            if not (isinstance(fragment, ast.FunctionDef) and any(is_fragment(d) for d in fragment.decorator_list)):
                continue
            drawn_only = {id(s.value) for s in ast.walk(fragment) if isinstance(s, ast.Expr)}
            for call in ast.walk(fragment):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("button", "form_submit_button")
                    and id(call) not in drawn_only
                    and not guarded(fragment)
                ):
                    found.append(str(Found(f"{module.name}:{call.lineno}", f"{fragment.name}: {ast.unparse(call)}")))

    assert found == []
