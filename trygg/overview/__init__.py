"""The overviews: the rektor's week (week.py), the school owner's schools (owner.py), and
the year's figures with small numbers suppressed (figures.py, suppression.py, charts.py).

Every overview starts from the same visibility rule as the case lists
(`trygg.cases.access.visible_to`) or, for the school owner's counts, from the
municipality's cases minus those the owner is suspected in, so a case hidden from a
user is never counted for them.
"""
