"""The school's pupil register: importing it from the student system (OneRoster 1.2 CSV or
a plain Norwegian CSV), searching it when a report is filed, and the protected-address
rule that keeps contact details out of every list and document."""
