"""The staff acknowledgement (kvittering) of the school's plan for a safe school
environment: leadership publishes the plan, every employee signs, the rektor keeps the
register, and `send-reminders` reminds those who have not signed.

plans.py publishes and finds versions, signing.py signs and reads kvitteringer back,
register.py lists who has signed, reminders.py reminds the rest.
"""

from trygg.acknowledgements.plans import (
    DEFAULT_TITLE,
    MAX_PLAN_BYTES,
    MIMETYPES,
    NewPlan,
    PlanSummary,
    current_plan,
    file_format,
    normalise_school_year,
    plan_file,
    plan_for,
    plan_versions,
    publish_plan,
    school_year_of,
    summary,
    version_text,
)
from trygg.acknowledgements.register import (
    HomeStatus,
    Register,
    RegisterRow,
    acknowledgement_list,
    home_status,
    register,
    unsigned_user_ids,
)
from trygg.acknowledgements.signing import (
    CONFIRMATIONS,
    PlanSuperseded,
    Signature,
    acknowledgement_by_id,
    acknowledgement_data,
    acknowledgement_docx,
    acknowledgement_of,
    acknowledgement_pdf,
    matches_name,
    my_acknowledgements,
    sign,
)

__all__ = [
    "CONFIRMATIONS",
    "DEFAULT_TITLE",
    "MAX_PLAN_BYTES",
    "MIMETYPES",
    "HomeStatus",
    "NewPlan",
    "PlanSummary",
    "PlanSuperseded",
    "Register",
    "RegisterRow",
    "Signature",
    "acknowledgement_by_id",
    "acknowledgement_data",
    "acknowledgement_docx",
    "acknowledgement_list",
    "acknowledgement_of",
    "acknowledgement_pdf",
    "current_plan",
    "file_format",
    "home_status",
    "matches_name",
    "my_acknowledgements",
    "normalise_school_year",
    "plan_file",
    "plan_for",
    "plan_versions",
    "publish_plan",
    "register",
    "school_year_of",
    "sign",
    "summary",
    "unsigned_user_ids",
    "version_text",
]
