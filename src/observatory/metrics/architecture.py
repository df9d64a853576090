"""Q11: mixture-of-experts share and total vs active parameters by country over time.

Two sources, each with its own evidence: Hub repositories (``is_moe`` from config.json and the
weights: expert count, an architecture class that names MoE, fewer active than total
parameters; unknown when none of them is known) and the Artificial Analysis index (its total
and active parameters: a model with fewer active than total parameters is MoE). The share is
taken among the models whose status is known. Parameters are in billions.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd

from observatory import METHOD_VERSION
from observatory.errors import EmptyResultError
from observatory.metrics.common import PERIODS, latest_rows

B = 1e9
MOE_MARGIN = 0.9  # active below 90 % of total parameters: experts, not rounding


def _trend(frame: pd.DataFrame, group: str, period: str, when: str) -> pd.DataFrame:
    frame = frame.assign(period=pd.to_datetime(frame[when]).dt.tz_localize(None).dt.to_period(
        PERIODS[period]).astype(str))
    grouped = frame.groupby([group, "period"])
    result = grouped.agg(models=("model_id", "size"), moe_known=("is_moe", "count"),
                         moe_models=("is_moe", "sum"),
                         median_params_total_b=("params_total_b", "median"),
                         median_params_active_b=("params_active_b", "median"),
                         largest_params_total_b=("params_total_b", "max")).reset_index()
    result["moe_models"] = result["moe_models"].astype(int)
    result["moe_share"] = result["moe_models"] / result["moe_known"].where(result["moe_known"] > 0)
    result["method_version"] = METHOD_VERSION
    return result.sort_values([group, "period"]).reset_index(drop=True)


def architecture_trend(entries: ir.Table, period: str = "year",
                       by: str = "country") -> pd.DataFrame:
    """Hub models whose config or parameters are known: MoE share among those whose status is
    known, median total and active parameters (billions), per group and creation period."""
    group = "country" if by == "country" else "org_id"
    table = latest_rows(entries)
    table = table.filter(table[group].notnull() & table.created_at.notnull()
                         & (table.architecture.notnull() | table.num_experts.notnull()
                            | table.params_total.notnull()))
    frame = table.select(group, "created_at", "model_id", "is_moe", "params_total",
                         "params_active").to_pandas()
    if frame.empty:
        raise EmptyResultError("no Hub models with config or parameter counts; collect with "
                               "`observatory update --source hub --enrich N`")
    frame = frame.assign(params_total_b=frame["params_total"] / B,
                         params_active_b=frame["params_active"] / B,
                         is_moe=frame["is_moe"].astype("boolean"))
    return _trend(frame, group, period, "created_at")


def index_architecture(models: pd.DataFrame, period: str = "year", by: str = "country",
                       open_only: bool = True) -> pd.DataFrame:
    """Artificial Analysis models of one snapshot (``registry.boards.index_models``): MoE
    share (active < total parameters) and median parameters in billions, per group and
    release period; open-weight models only unless ``open_only`` is False."""
    group = "country" if by == "country" else "org_id"
    frame = models[models[group].notna() & models["release_date"].notna()]
    if open_only:
        frame = frame[frame["open_weights"].fillna(False).astype(bool)]
    if frame.empty:
        raise EmptyResultError("no Artificial Analysis models with a release date"
                               + (" and open weights" if open_only else ""))
    total, active = frame["params_total_b"], frame["params_active_b"]
    known = total.notna() & active.notna() & (total > 0)
    is_moe = (active < total * MOE_MARGIN).where(known).astype("boolean")
    frame = frame.assign(model_id=frame["model_key"], is_moe=is_moe)
    result = _trend(frame, group, period, "release_date")
    result.insert(2, "snapshot_date", str(models["snapshot_date"].iloc[0])[:10])
    return result


def moe_models(entries: ir.Table, top: int = 20) -> pd.DataFrame:
    """The largest MoE models with total and active parameters (e.g. DeepSeek-V3 671B / 37B)."""
    table = latest_rows(entries)
    table = table.filter(table.is_moe.fill_null(False))
    frame = (table.order_by([table.params_total.desc(), table.model_id]).limit(top)
             .select("model_id", "org_name", "country", "params_total", "params_active",
                     "num_experts", "experts_per_token", "created_at").to_pandas())
    frame["method_version"] = METHOD_VERSION
    return frame
