"""Q11: mixture-of-experts share and total vs active parameters by country over time."""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import PERIODS, latest_rows


def architecture_trend(entries: ir.Table, period: str = "year",
                       by: str = "country") -> pd.DataFrame:
    """Among models whose config is known: MoE share, median total and active parameters."""
    group = "country" if by == "country" else "org_id"
    table = latest_rows(entries)
    table = table.filter(table[group].notnull() & table.created_at.notnull()
                         & (table.architecture.notnull() | table.num_experts.notnull()
                            | table.params_total.notnull()))
    frame = table.select(group, "created_at", "model_id", "is_moe", "params_total",
                         "params_active", "num_experts", "experts_per_token").to_pandas()
    if frame.empty:
        raise EmptyResultError("no Hub models with config or parameter counts; collect with "
                               "`observatory update --source hub --enrich N`")
    frame["period"] = pd.to_datetime(frame["created_at"]).dt.tz_localize(None).dt.to_period(
        PERIODS[period]).astype(str)
    grouped = frame.groupby([group, "period"])
    result = grouped.agg(models=("model_id", "size"), moe_models=("is_moe", "sum"),
                         median_params_total=("params_total", "median"),
                         median_params_active=("params_active", "median"),
                         largest_params_total=("params_total", "max")).reset_index()
    result["moe_share"] = result["moe_models"] / result["models"]
    result["method_version"] = METHOD_VERSION
    return result.sort_values([group, "period"]).reset_index(drop=True)


def moe_models(entries: ir.Table, top: int = 20) -> pd.DataFrame:
    """The largest MoE models with total and active parameters (e.g. DeepSeek-V3 671B / 37B)."""
    table = latest_rows(entries)
    table = table.filter(table.is_moe)
    frame = (table.order_by([table.params_total.desc(), table.model_id]).limit(top)
             .select("model_id", "org_name", "country", "params_total", "params_active",
                     "num_experts", "experts_per_token", "created_at").to_pandas())
    frame["method_version"] = METHOD_VERSION
    return frame
