"""The overview pages' rules (trygg.accounts.permissions), without HTTP."""

from __future__ import annotations

from tests.factories.principals import (
    ADMIN,
    HANDLER,
    NORDPOLEN,
    OTHER_RECTOR,
    OWNER,
    RECTOR,
    REPORTER,
    SCHOOL_ADMIN,
    VESTRE_AKER,
)
from trygg.accounts.permissions import (
    can_view_figures,
    can_view_owner_overview,
    can_view_school_figures,
    can_view_week_overview,
)

EVERYONE = (RECTOR, OTHER_RECTOR, HANDLER, REPORTER, OWNER, ADMIN, SCHOOL_ADMIN)


def test_the_week_is_the_school_leaderships() -> None:
    assert [u for u in EVERYONE if can_view_week_overview(u)] == [RECTOR, OTHER_RECTOR]


def test_the_schools_view_is_the_school_owners() -> None:
    assert [u for u in EVERYONE if can_view_owner_overview(u)] == [OWNER]


def test_figures_for_the_leadership_and_the_school_owner() -> None:
    assert [u for u in EVERYONE if can_view_figures(u)] == [RECTOR, OTHER_RECTOR, OWNER]


def test_whose_figures() -> None:
    assert can_view_school_figures(RECTOR, NORDPOLEN)
    assert not can_view_school_figures(RECTOR, VESTRE_AKER)
    assert not can_view_school_figures(RECTOR, None)  # the municipality is the owner's
    assert can_view_school_figures(OWNER, None) and can_view_school_figures(OWNER, VESTRE_AKER)
    assert not can_view_school_figures(HANDLER, NORDPOLEN)
    assert not can_view_school_figures(SCHOOL_ADMIN, NORDPOLEN)
