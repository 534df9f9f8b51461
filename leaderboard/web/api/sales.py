"""Sales ingestion (single or batched) and cancellations."""
from __future__ import annotations

from flask import Blueprint, current_app, request

from leaderboard.schemas import CancelIn, SaleIn
from leaderboard.services.core.errors import FieldError
from leaderboard.services.sales import ingest as sales
from leaderboard.services.sales.group_commit import GROUP_COMMIT
from leaderboard.web.api.http import HttpProblem, current_principal, json_body, parse

bp = Blueprint("sales", __name__)


@bp.post("/sales")
def post_sales():
    body = json_body()
    if isinstance(body, list):
        raise HttpProblem(422, "Invalid input", "a batch is an object {\"sales\": [...]}, not a bare array",
                          [FieldError("body", "must be a JSON object")])
    if isinstance(body, dict) and "sales" in body:
        items = body["sales"]
        if not isinstance(items, list) or set(body) != {"sales"}:
            raise HttpProblem(422, "Invalid input", "a batch is exactly {\"sales\": [...]}",
                              [FieldError("sales", "must be a list of sales and the only field")])
        limit = current_app.config["SALES_MAX_BATCH"]
        if len(items) > limit:
            raise HttpProblem(413, "Batch too large", f"at most {limit} sales per batch; nothing was stored")
        results = sales.ingest_batch(current_principal(), items)
        return {"results": [r.as_dict() for r in results]}
    view, created = sales.ingest_sale(current_principal(), parse(SaleIn, body),
                                      current_app.extensions.get(GROUP_COMMIT))
    return view, (201 if created else 200)


@bp.post("/sales/<sale_id>/cancel")
def cancel(sale_id: str):
    # Webhooks often cancel with an empty body: that is a cancellation without a reason.
    body = json_body() if request.get_data(cache=True).strip() else {}
    data = parse(CancelIn, body if body is not None else {})
    view, _ = sales.cancel_sale(current_principal(), sale_id, data)
    if view is None:
        return {"id": sale_id, "status": "cancellation_pending"}, 202
    return view, 200
