"""The one place tests build what they start from; import from the module you need.

- users: the demo data's users by role and school (`demo_email`, `demo_user`, `user`;
  REPORTER, RECTOR and HANDLER of Sara's case), schools and the municipality.
- cases: a case at a given stage through the domain (`case_at`), and the steps it is made
  of (`sara_report`, `file`, `receive_and_assign`, `finish_step`); NOW, BY, the archive.
- content: what the documents say (INVESTIGATION, MEASURE, PLAN, `closing_evaluation`).
- principals: made-up Principals for the pure access rules.
- templates: Word templates to upload.
- pdf: the warm LibreOffice converter (`converter` fixture) and the `libreoffice` marker
  (a pytest plugin, registered in tests/conftest.py).
"""
