"""The fields of a Word part (PAGE, NUMPAGES, …), found and, for NUMPAGES, written out.

A field is either simple (``<w:fldSimple w:instr=" PAGE ">``) or complex: runs holding
``fldChar begin``, the instruction in one or more ``instrText``, ``fldChar separate``,
the last result Word saw, and ``fldChar end``. Composing several files into one
document (trygg.pdf.compose) must know every field, because most of them would mean
something else there (NUMPAGES counts every section, SEQ and REF reach across them).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_BEGIN, _SEPARATE, _END = "begin", "separate", "end"

# What NUMPAGES may carry to be written out as a plain number: the format switches
# Word adds by itself. Any other switch (roman, a picture) formats the number.
_PLAIN_NUMBER_SWITCHES = {"\\*", "MERGEFORMAT", "CHARFORMAT", "ARABIC"}


class FieldProblem(ValueError):
    """A field that cannot be kept in a composed document as it would look alone."""


@dataclass
class Field:
    """One field of a part: its name (upper case), whole instruction and elements."""

    instruction: str
    simple: Any = None  # the w:fldSimple element, for a simple field
    runs: list[Any] = field(default_factory=list)  # begin … end runs, for a complex one
    result_runs: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        words = self.instruction.split()
        return words[0].upper() if words else ""

    @property
    def switches(self) -> list[str]:
        return [w.upper() for w in self.instruction.split()[1:]]


def fields_of(root: Any) -> list[Field]:
    """Every field in ``root`` in document order; FieldProblem for nested or unclosed
    complex fields (never written by Trygg's templates, and not worth the risk)."""
    found: list[Field] = []
    open_field: Field | None = None
    after_separate = False
    for element in root.iter(f"{W}fldSimple", f"{W}r"):
        if element.tag == f"{W}fldSimple":
            if open_field is not None:
                raise FieldProblem("a field inside a field")
            found.append(Field(instruction=element.get(f"{W}instr", ""), simple=element))
            continue
        chars = element.findall(f"{W}fldChar")
        if open_field is not None:
            open_field.runs.append(element)
            if after_separate and not chars:
                open_field.result_runs.append(element)
        for instr in element.findall(f"{W}instrText"):
            if open_field is None:
                raise FieldProblem("a field instruction outside a field")
            open_field.instruction += instr.text or ""
        for char in chars:
            kind = char.get(f"{W}fldCharType")
            if kind == _BEGIN:
                if open_field is not None:
                    raise FieldProblem("a field inside a field")
                open_field, after_separate = Field(instruction="", runs=[element]), False
            elif kind == _SEPARATE and open_field is not None:
                after_separate = True
            elif kind == _END:
                if open_field is None:
                    raise FieldProblem("a field end without its beginning")
                found.append(open_field)
                open_field = None
    if open_field is not None:
        raise FieldProblem("a field without its end")
    return found


def check_page_count_field(found: Field) -> None:
    """NUMPAGES can be written out as a number only when nothing formats it and its
    runs stand side by side in one paragraph (they are replaced by one run)."""
    if any(switch not in _PLAIN_NUMBER_SWITCHES for switch in found.switches):
        raise FieldProblem("NUMPAGES with a number format")
    if found.simple is None:
        parents = {run.getparent() for run in found.runs}
        if len(parents) != 1:
            raise FieldProblem("NUMPAGES spread over more than one paragraph")


def write_out_page_counts(root: Any, pages: int) -> None:
    """Replace every NUMPAGES field in ``root`` by ``pages`` as plain text, formatted
    as the field's result was (the runs Word shows)."""
    for found in fields_of(root):
        if found.name != "NUMPAGES":
            continue
        if found.simple is not None:
            first = found.simple.find(f"{W}r")
            anchor, doomed = found.simple, [found.simple]
        else:
            first = found.result_runs[0] if found.result_runs else found.runs[0]
            anchor, doomed = found.runs[0], found.runs
        anchor.addprevious(_text_run(first, str(pages)))
        for element in doomed:
            element.getparent().remove(element)


def _text_run(model: Any, text: str) -> Any:
    """A run with ``model``'s character formatting (if any) and ``text``."""
    run = etree.Element(f"{W}r")
    formatting = model.find(f"{W}rPr") if model is not None else None
    if formatting is not None:
        run.append(copy.deepcopy(formatting))
    etree.SubElement(run, f"{W}t").text = text
    return run
