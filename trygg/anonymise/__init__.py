"""Anonymised actor labels, name replacement, unregistered-name warnings and leak scanning.

Pure domain: plain frozen dataclasses in, strings and lists out; no Flask, no database.
"""

from trygg.anonymise.actors import CASE_PUPIL_ID, Actor, LabelSettings
from trygg.anonymise.anonymiser import Ambiguity, AmbiguousName, Anonymiser
from trygg.anonymise.docx_parts import UnreadableDocument
from trygg.anonymise.labels import assign_labels
from trygg.anonymise.leaks import LeakHit, LeakScanner, scan_docx, scan_text
from trygg.anonymise.names import NameWarning, unregistered_names

__all__ = [
    "CASE_PUPIL_ID",
    "Actor",
    "Ambiguity",
    "AmbiguousName",
    "Anonymiser",
    "LabelSettings",
    "LeakHit",
    "LeakScanner",
    "NameWarning",
    "UnreadableDocument",
    "assign_labels",
    "scan_docx",
    "scan_text",
    "unregistered_names",
]
