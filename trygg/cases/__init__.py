"""The case workflow: report → investigation → plan → evaluation, with § 12-5 routing.

Modules by concept: access (who sees a case, also as SQL), actors (people and labels),
reports (filing), leadership (receipt, handler, school owner, closing), documents
(drafts, locking, finalising, archive), workflow (the steps), overview (lists, page),
events (chronology, alerts), reminders (what is due, sent by `send-reminders`).
"""
