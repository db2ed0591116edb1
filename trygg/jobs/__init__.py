"""Background jobs on huey: exports that grow with the school run in a worker while their
owner watches a progress page, and the daily reminders run there too.

store.py is what the pages use (start, show to the owner, hand over the result);
exports.py is what a job makes; runner.py runs one job and recovers the ones a dead
worker left; outputs.py keeps each job's file (content-addressed, deletable) and
cleanup.py deletes old ones; queue.py builds the huey queue (SQLite, or Redis with
REDIS_URL) and its tasks; worker.py is the consumer's command.
"""

from trygg.jobs.exports import ACKNOWLEDGEMENTS_PDF, CASE_PDF, KEYS_CSV
from trygg.jobs.invitations import INVITATIONS
from trygg.jobs.store import JobView, job_result, job_view, own_job, start_job

__all__ = [
    "ACKNOWLEDGEMENTS_PDF",
    "CASE_PDF",
    "INVITATIONS",
    "KEYS_CSV",
    "JobView",
    "job_result",
    "job_view",
    "own_job",
    "start_job",
]
