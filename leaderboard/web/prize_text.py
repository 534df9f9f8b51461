"""How pages word an instant prize's `when` (console and phone), in the reader's language."""
from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from leaderboard.domain import instant_prizes as rule


def when_text(when: rule.When) -> str:
    if isinstance(when, rule.FirstSaleOfDay):
        return _("Your first sale of the day")
    if isinstance(when, rule.EveryNth):
        if when.scope == "site":
            return _("Every %(n)s sales at a site", n=when.n)
        return _("Every %(n)s sales in the contest", n=when.n)
    if isinstance(when, rule.ProductSale):
        if when.min_amount is None:
            return _("A %(product)s sale", product=when.product)
        return _("A %(product)s sale of %(amount)s or more", product=when.product,
                 amount=format_decimal(when.min_amount, format="#,##0.00"))
    return _("A golden sale: %(chance)s chance per sale", chance=format_percent(when.probability, "#,##0.######%"))
